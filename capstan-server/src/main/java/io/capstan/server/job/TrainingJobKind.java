package io.capstan.server.job;

import io.capstan.api.job.JobSpec;
import io.capstan.api.job.ReplicaGroupSpec;
import io.capstan.runtime.Mount;
import io.capstan.runtime.ReplicaLaunch;
import io.capstan.runtime.ReplicaObservation;
import java.util.Map;
import java.util.Optional;

/**
 * Training jobs, as submitted by users (PyTorchJob, TFJob, MPIJob, TrainJob, Kubernetes' batch Job
 * and Capstan's own format): they succeed by their success policy, restart every replica after a
 * failure their restart policy allows, up to {@code backoffLimit} times ({@link
 * JobSpec#NO_BACKOFF_LIMIT}: as often as they fail, as the Training Operator restarts a job without
 * one), and are never long-running.
 */
public final class TrainingJobKind implements WorkloadKind {
  /** The kind's name, stored with each training job. */
  public static final String NAME = "TrainingJob";

  /** A label that gives a one-replica job the host's network ({@code host}). */
  static final String NETWORK_LABEL = "capstan.io/network";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean longRunning() {
    return false;
  }

  @Override
  public boolean succeeded(JobRecord job, Map<String, ReplicaObservation> observed) {
    return SuccessPolicy.succeeded(job.spec(), observed);
  }

  @Override
  public String successMessage(JobRecord job, Map<String, ReplicaObservation> observed) {
    return SuccessPolicy.message(job.spec(), observed, job.restarts());
  }

  @Override
  public Verdict onFailure(JobRecord job, ReplicaObservation failed, String what) {
    ReplicaGroupSpec group = group(job.spec(), failed.id().replica());
    int exitCode = failed.exitCode() == null ? 137 : failed.exitCode();
    if (!group.restartPolicy().restarts(exitCode)) {
      return Verdict.fail(
          "ReplicaFailed",
          what + "; restartPolicy " + group.restartPolicy().wireName() + " does not restart it");
    }
    if (job.restarts() >= job.spec().backoffLimit()) {
      return Verdict.fail(
          "BackoffLimitExceeded",
          what
              + "; the job was already restarted "
              + job.restarts()
              + " times (backoffLimit "
              + job.spec().backoffLimit()
              + ")");
    }
    boolean limited = job.spec().backoffLimit() != JobSpec.NO_BACKOFF_LIMIT;
    return Verdict.restart(
        "ReplicaFailed",
        what
            + "; restarting every replica (restart "
            + (job.restarts() + 1)
            + (limited ? " of at most " + job.spec().backoffLimit() : "; no backoffLimit")
            + "), checkpoints kept");
  }

  /**
   * A trial with a Katib {@code File} or {@code TensorFlowEvent} collector gets the runtime's
   * folder at the collector's folder, unless the template mounts something there itself.
   */
  @Override
  public ReplicaLaunch complete(JobRecord job, ReplicaLaunch launch) {
    Optional<Mount> collector = CollectorFolder.of(job).flatMap(CollectorFolder::mount);
    if (collector.isEmpty()
        || launch.mounts().stream()
            .anyMatch(m -> m.containerPath().equals(collector.get().containerPath()))) {
      return launch;
    }
    return launch.toBuilder().mount(collector.get()).build();
  }

  /**
   * A job of one replica has no peers, and nobody calls a training job, so such a job gets a
   * network of its own, unless it asks for the host's with {@value #NETWORK_LABEL}: {@code host}.
   */
  @Override
  public boolean needsNoNetwork(JobRecord job) {
    JobSpec spec = job.spec();
    return spec.replicaCount() == 1 && !"host".equals(spec.labels().get(NETWORK_LABEL));
  }

  private static ReplicaGroupSpec group(JobSpec spec, String replica) {
    return Rendezvous.replicas(spec).stream()
        .filter(r -> r.name().equals(replica))
        .findFirst()
        .orElseThrow()
        .group();
  }
}
