package io.capstan.server.queue;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.api.identity.ProjectRole;
import io.capstan.api.queue.QueueView;
import io.capstan.api.queue.QuotaSpec;
import io.capstan.scheduler.QueueSpec;
import io.capstan.server.audit.AuditNote;
import io.capstan.server.identity.Access;
import io.capstan.server.identity.Caller;
import io.capstan.server.job.JobRecord;
import io.capstan.server.job.JobStore;
import io.capstan.server.store.Versions;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** Queues and quotas: members read their project's, installation admins set them. */
@RestController
public class QueueController {
  private final QuotaStore quotas;
  private final JobStore jobs;
  private final Access access;

  QueueController(QuotaStore quotas, JobStore jobs, Access access) {
    this.quotas = requireNonNull(quotas, "quotas is null");
    this.jobs = requireNonNull(jobs, "jobs is null");
    this.access = requireNonNull(access, "access is null");
  }

  @GetMapping(ApiPaths.QUEUES)
  public List<QueueView> list(Caller caller) {
    List<JobRecord> live = jobs.listLive();
    return access.visibleProjects(caller).stream().map(project -> view(project, live)).toList();
  }

  @GetMapping(ApiPaths.PROJECT_QUOTA)
  public QueueView get(Caller caller, @PathVariable String project) {
    access.requireProject(caller, project, ProjectRole.VIEWER);
    return view(project, jobs.listLive());
  }

  /**
   * Replaces the quota. With {@code If-Match: "N"} only while it is at resourceVersion N (else 409
   * CONFLICT); without, over whatever is stored, read again if another admin wins meanwhile.
   */
  @PutMapping(ApiPaths.PROJECT_QUOTA)
  public QueueView put(
      Caller caller,
      AuditNote audit,
      @PathVariable String project,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
      @RequestBody QuotaSpec request) {
    access.requireAdmin(caller);
    access.requireProject(caller, project, ProjectRole.VIEWER);
    QueueSpec queue = QuotaMapping.toQueue(project, request);
    QuotaStore.StoredQuota before =
        Versions.change(
            "the quota of project '" + project + "'",
            Versions.ifMatch(ifMatch),
            () -> quotas.read(project),
            QuotaStore.StoredQuota::version,
            current -> quotas.put(queue, current.version()));
    audit.before(QuotaMapping.toWire(before.queue()));
    audit.after(QuotaMapping.toWire(queue));
    return view(project, jobs.listLive());
  }

  private QueueView view(String project, List<JobRecord> live) {
    QuotaStore.StoredQuota quota = quotas.read(project);
    QueueUsage usage = QueueUsage.of(project, live);
    return new QueueView(
        project,
        QuotaMapping.toWire(quota.queue()),
        QuotaMapping.quantities(usage.used()),
        usage.running(),
        usage.pending(),
        quota.version());
  }
}
