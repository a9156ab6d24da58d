package io.capstan.api.job;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How many replicas of one type (Kubeflow's replica type, e.g. {@code Worker}) are in each state,
 * as Kubeflow's {@code ReplicaStatus} counts them, plus the ones Capstan stopped.
 *
 * @param active replicas running now
 * @param succeeded replicas that exited with code 0
 * @param failed replicas that failed (exited non-zero or were lost) on their own
 * @param stopped replicas Capstan stopped because the job ended, was preempted or restarts: not
 *     failures
 */
public record ReplicaTypeStatus(int active, int succeeded, int failed, int stopped) {
  public static final ReplicaTypeStatus NONE = new ReplicaTypeStatus(0, 0, 0, 0);

  /** These counts with one more replica in {@code state} (Pending replicas count nowhere). */
  public ReplicaTypeStatus plus(String state) {
    return switch (state) {
      case ReplicaStatus.RUNNING -> new ReplicaTypeStatus(active + 1, succeeded, failed, stopped);
      case ReplicaStatus.SUCCEEDED -> new ReplicaTypeStatus(active, succeeded + 1, failed, stopped);
      case ReplicaStatus.FAILED, ReplicaStatus.LOST ->
          new ReplicaTypeStatus(active, succeeded, failed + 1, stopped);
      case ReplicaStatus.STOPPED -> new ReplicaTypeStatus(active, succeeded, failed, stopped + 1);
      default -> this;
    };
  }

  /** Counts per Kubeflow replica type of {@code replicas}, in the order the types first appear. */
  public static Map<String, ReplicaTypeStatus> byType(List<ReplicaStatus> replicas) {
    Map<String, ReplicaTypeStatus> counts = new LinkedHashMap<>();
    for (ReplicaStatus replica : replicas) {
      counts.merge(
          replica.role().replicaType(),
          NONE.plus(replica.state()),
          (counted, one) -> counted.plus(replica.state()));
    }
    return counts;
  }
}
