package io.capstan.server.job;

import static java.util.Objects.requireNonNull;

import io.capstan.api.job.JobPhase;
import io.capstan.api.job.JobSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A job as stored: spec, phase and what the controller acted on.
 *
 * @param attempt the launched attempt (0 while queued); replicas are launched once per attempt
 * @param placement nodes, GPUs and endpoints of the current attempt
 * @param released whether the runtime has forgotten the replicas of a finished job
 * @param runs its service across runs, for the scheduler
 */
public record JobRecord(
    String uid,
    String project,
    String name,
    JobSpec spec,
    JobPhase phase,
    String reason,
    String message,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    int restarts,
    int attempt,
    Placement placement,
    boolean released,
    JobRuns runs) {
  public JobRecord {
    requireNonNull(uid, "uid is null");
    requireNonNull(project, "project is null");
    requireNonNull(name, "name is null");
    requireNonNull(spec, "spec is null");
    requireNonNull(phase, "phase is null");
    requireNonNull(createdAt, "createdAt is null");
    placement = placement == null ? Placement.NONE : placement;
    runs = runs == null ? JobRuns.NONE : runs;
  }

  /** The same job with {@code next} service across runs. */
  public JobRecord withRuns(JobRuns next) {
    return new JobRecord(
        uid,
        project,
        name,
        spec,
        phase,
        reason,
        message,
        createdAt,
        startedAt,
        finishedAt,
        restarts,
        attempt,
        placement,
        released,
        next);
  }

  /**
   * Whether it holds resources on the nodes: admitted and not yet released, including a preempted
   * job (back in the queue) whose replicas are still stopping.
   */
  public boolean holdsResources() {
    return attempt > 0 && !released && !placement.replicas().isEmpty();
  }

  /** What each placed replica of the current attempt holds, in rank order; empty when nothing. */
  public List<ReplicaHolding> holdings() {
    if (!holdsResources()) {
      return List.of();
    }
    List<ReplicaHolding> holdings = new ArrayList<>();
    for (Rendezvous.Replica replica : Rendezvous.replicas(spec)) {
      Placement.ReplicaPlacement placed = placement.of(replica.name());
      if (placed != null) {
        holdings.add(
            new ReplicaHolding(
                replica.name(), placed.node(), placed.gpus(), replica.group().resources()));
      }
    }
    return holdings;
  }

  /** This job moved to {@code next} for {@code reason}; stamps start and finish times. */
  public JobRecord transition(JobPhase next, String newReason, String newMessage, Instant now) {
    JobLifecycle.check(name, phase, next);
    return new JobRecord(
        uid,
        project,
        name,
        spec,
        next,
        newReason,
        newMessage,
        createdAt,
        startedAt == null && next == JobPhase.STARTING ? now : startedAt,
        next.isTerminal() ? now : null,
        restarts,
        attempt,
        placement,
        released,
        runs);
  }

  /** The same phase with a new explanation (e.g. why it still waits). */
  public JobRecord explain(String newReason, String newMessage) {
    return new JobRecord(
        uid,
        project,
        name,
        spec,
        phase,
        newReason,
        newMessage,
        createdAt,
        startedAt,
        finishedAt,
        restarts,
        attempt,
        placement,
        released,
        runs);
  }

  public JobRecord launched(int newAttempt, int newRestarts, Placement newPlacement) {
    return new JobRecord(
        uid,
        project,
        name,
        spec,
        phase,
        reason,
        message,
        createdAt,
        startedAt,
        finishedAt,
        newRestarts,
        newAttempt,
        newPlacement,
        released,
        runs);
  }

  public JobRecord markReleased() {
    return new JobRecord(
        uid,
        project,
        name,
        spec,
        phase,
        reason,
        message,
        createdAt,
        startedAt,
        finishedAt,
        restarts,
        attempt,
        placement,
        true,
        runs);
  }
}
