package io.capstan.server.queue;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.api.cluster.ClusterTop;
import io.capstan.runtime.WorkloadRuntime;
import io.capstan.server.identity.Access;
import io.capstan.server.identity.Caller;
import io.capstan.server.job.JobStore;
import java.util.Set;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/top}: what the cluster holds now. Totals and nodes are shown to every
 * authenticated caller; projects only to their members (installation admins see all), the rest
 * summed into one nameless row.
 */
@RestController
public class TopController {
  private final WorkloadRuntime runtime;
  private final QuotaStore quotas;
  private final JobStore jobs;
  private final Access access;

  TopController(WorkloadRuntime runtime, QuotaStore quotas, JobStore jobs, Access access) {
    this.runtime = requireNonNull(runtime, "runtime is null");
    this.quotas = requireNonNull(quotas, "quotas is null");
    this.jobs = requireNonNull(jobs, "jobs is null");
    this.access = requireNonNull(access, "access is null");
  }

  @GetMapping(ApiPaths.TOP)
  public ClusterTop top(Caller caller) {
    Set<String> visible = Set.copyOf(access.visibleProjects(caller));
    return ClusterTopView.of(
            runtime.nodes(), runtime.gpuUsage(), jobs.listLive(), quotas.all(), visible)
        .withRuntime(runtime.capabilities().notes());
  }
}
