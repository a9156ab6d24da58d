package io.capstan.server.job;

import io.capstan.api.job.JobPhase;
import io.capstan.api.job.ReplicaStatus;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.runtime.ReplicaPhase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the per-replica status shown to users from what the runtime observed, and the counts per
 * replica type. A replica that Capstan stopped (the job ended, was preempted or restarts after
 * another replica failed) is {@code Stopped}, not {@code Failed}: it is one that was still alive
 * when the job left the active phases and has exited since (its last recorded state, durable in the
 * store, says it was alive), so a parameter server stopped after the workers succeeded is not
 * reported as a failure.
 */
final class ReplicaStatuses {
  static final String JOB_FINISHED = "JobFinished";
  static final String PREEMPTED = "Preempted";
  static final String RESTARTING = "Restarting";

  private ReplicaStatuses() {}

  /** The status of a job's replicas before any was observed (a job just submitted). */
  static List<ReplicaStatus> of(JobRecord job, Map<String, ReplicaObservation> observed) {
    return of(job, observed, List.of());
  }

  /**
   * The status of a job's replicas as {@code observed} now, given what was last recorded ({@code
   * previous}, empty when nothing was).
   */
  static List<ReplicaStatus> of(
      JobRecord job, Map<String, ReplicaObservation> observed, List<ReplicaStatus> previous) {
    Map<String, ReplicaStatus> before = new LinkedHashMap<>();
    previous.forEach(status -> before.put(status.name(), status));
    List<ReplicaStatus> statuses = new ArrayList<>();
    for (Rendezvous.Replica replica : Rendezvous.replicas(job.spec())) {
      ReplicaObservation o = observed.get(replica.name());
      Placement.ReplicaPlacement placement = job.placement().of(replica.name());
      List<Integer> gpus = placement == null ? List.of() : placement.gpus();
      if (o == null) {
        boolean ended = job.phase().isTerminal();
        statuses.add(
            new ReplicaStatus(
                replica.name(),
                replica.role(),
                replica.index(),
                ended ? ReplicaStatus.STOPPED : ReplicaStatus.PENDING,
                null,
                job.attempt(),
                gpus,
                null,
                null,
                ended ? "never started: the job " + ended(job.phase()) : null,
                ended ? JOB_FINISHED : null));
      } else if (stoppedByCapstan(job, o, before.get(replica.name()))) {
        statuses.add(
            new ReplicaStatus(
                replica.name(),
                replica.role(),
                replica.index(),
                ReplicaStatus.STOPPED,
                o.exitCode(),
                o.attempt(),
                gpus,
                o.startedAt(),
                o.finishedAt(),
                stopMessage(job.phase(), o),
                stopReason(job.phase())));
      } else {
        statuses.add(
            new ReplicaStatus(
                replica.name(),
                replica.role(),
                replica.index(),
                capitalized(o.phase().name()),
                o.exitCode(),
                o.attempt(),
                gpus,
                o.startedAt(),
                o.finishedAt(),
                o.message()));
      }
    }
    return statuses;
  }

  /**
   * Whether Capstan stopped the replica: the job is no longer active (finished, preempted back to
   * the queue, or restarting), the replica exited with a failure, and when last recorded in this
   * attempt it was still alive (or already counted as stopped). A replica that failed on its own
   * was recorded as Failed in the pass that decided the job's fate, so it stays Failed.
   */
  private static boolean stoppedByCapstan(
      JobRecord job, ReplicaObservation o, ReplicaStatus before) {
    boolean inactive =
        job.phase().isTerminal()
            || job.phase() == JobPhase.RESTARTING
            || job.phase() == JobPhase.QUEUED;
    boolean failed = o.phase() == ReplicaPhase.FAILED || o.phase() == ReplicaPhase.LOST;
    return inactive
        && failed
        && before != null
        && before.attempt() == o.attempt()
        && switch (before.state()) {
          case ReplicaStatus.PENDING, ReplicaStatus.RUNNING, ReplicaStatus.STOPPED -> true;
          default -> false;
        };
  }

  private static String stopReason(JobPhase phase) {
    return switch (phase) {
      case QUEUED -> PREEMPTED;
      case RESTARTING -> RESTARTING;
      default -> JOB_FINISHED;
    };
  }

  private static String stopMessage(JobPhase phase, ReplicaObservation o) {
    String why =
        switch (phase) {
          case QUEUED -> "stopped because the job was preempted";
          case RESTARTING -> "stopped to restart the job after another replica failed";
          default -> "stopped because the job " + ended(phase);
        };
    return o.message() == null ? why : why + " (" + o.message() + ")";
  }

  private static String ended(JobPhase phase) {
    return switch (phase) {
      case SUCCEEDED -> "succeeded";
      case CANCELLED -> "was cancelled";
      default -> "failed";
    };
  }

  private static String capitalized(String name) {
    return name.charAt(0) + name.substring(1).toLowerCase(Locale.ROOT);
  }
}
