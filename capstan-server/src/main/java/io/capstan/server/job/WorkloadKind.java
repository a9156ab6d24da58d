package io.capstan.server.job;

import io.capstan.runtime.ReplicaLaunch;
import io.capstan.runtime.ReplicaObservation;
import java.time.Instant;
import java.util.Map;

/**
 * One kind of workload the job controller runs (Kueue's {@code GenericJob}): what is particular to
 * training jobs, serving replicas and notebooks. The controller admits every kind through the
 * scheduler, launches, observes and releases them alike, and asks the kind only what differs. A
 * kind is a Spring bean in its own feature package; adding one touches no job code.
 */
public interface WorkloadKind {
  /** The name stored with each workload of this kind, e.g. {@code TrainingJob}. */
  String name();

  /**
   * Whether its workloads run until stopped (serving replicas, notebooks): least attained service
   * never demotes them, since their service only grows, and they never succeed on their own.
   */
  boolean longRunning();

  /**
   * The priority the scheduler gives the workload now: its spec's, unless the kind lowers it (a
   * notebook left idle gives way to waiting work first, decision 128).
   */
  default int priority(JobRecord job, Instant now) {
    return job.spec().priority();
  }

  /** Whether the workload has done its work (a training job's success policy). */
  boolean succeeded(JobRecord job, Map<String, ReplicaObservation> observed);

  /** The status message of a workload that succeeded. */
  String successMessage(JobRecord job, Map<String, ReplicaObservation> observed);

  /**
   * What follows a replica's failure: a restart of every replica (keeping checkpoints) or the end
   * of the workload. For a {@link #longRunning} kind, a replica that exited with 0 is a failure
   * too: such a workload never succeeds on its own.
   *
   * @param what the failure in plain words, e.g. "replica worker-1 exited with code 137"
   */
  Verdict onFailure(JobRecord job, ReplicaObservation failed, String what);

  /**
   * A replica's launch completed with what this kind's replicas need: a mount, ports, a readiness
   * probe, a secret in the environment.
   */
  ReplicaLaunch complete(JobRecord job, ReplicaLaunch launch);

  /**
   * Whether the workload's replicas need no network: no peers and nobody who calls them; they then
   * get a network of their own where the runtime can give one.
   */
  boolean needsNoNetwork(JobRecord job);

  /**
   * The decision after a failure.
   *
   * @param restart whether every replica is restarted
   * @param reason a CamelCase reason, e.g. {@code BackoffLimitExceeded}
   * @param message plain words for the status
   */
  record Verdict(boolean restart, String reason, String message) {
    public static Verdict restart(String reason, String message) {
      return new Verdict(true, reason, message);
    }

    public static Verdict fail(String reason, String message) {
      return new Verdict(false, reason, message);
    }
  }
}
