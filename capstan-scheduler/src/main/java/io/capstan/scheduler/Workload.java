package io.capstan.scheduler;

import static java.util.Objects.requireNonNull;

import io.capstan.scheduler.cluster.PodDemand;
import io.capstan.scheduler.cluster.ResourceAmounts;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A gang to schedule: all its pods start together or none does.
 *
 * @param id unique id (a job's uid)
 * @param queue the queue (a project) it is charged to
 * @param priority higher runs first and may preempt lower
 * @param submittedAt arrival time (FIFO order, starvation ageing)
 * @param pods one demand per replica, in rank order
 * @param knownDuration the true run time, known only to the shortest-job-first oracle of the
 *     simulator; null everywhere else
 * @param checkpoints whether it resumes from checkpoints when it is stopped and started again (a
 *     training job): it is preferred on spot nodes, and a workload that does not avoids them when
 *     other nodes fit
 */
public record Workload(
    String id,
    String queue,
    int priority,
    Instant submittedAt,
    List<PodDemand> pods,
    Duration knownDuration,
    boolean checkpoints) {
  public Workload {
    requireNonNull(id, "id is null");
    requireNonNull(queue, "queue is null");
    requireNonNull(submittedAt, "submittedAt is null");
    // Kept with the pods: a cycle asks every pending workload's total many times.
    pods = GangPods.of(pods);
    if (pods.isEmpty()) {
      throw new IllegalArgumentException(
          "Expected workload " + id + " to have pods, but it had none");
    }
  }

  /** A workload that does not checkpoint. */
  public Workload(
      String id,
      String queue,
      int priority,
      Instant submittedAt,
      List<PodDemand> pods,
      Duration knownDuration) {
    this(id, queue, priority, submittedAt, pods, knownDuration, false);
  }

  /** Everything the gang asks for, summed over its pods. */
  public ResourceAmounts total() {
    return ((GangPods) pods).total();
  }
}
