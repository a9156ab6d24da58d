package io.capstan.scheduler;

import static java.util.Objects.requireNonNull;

import io.capstan.scheduler.cluster.PodAllocation;
import java.util.List;

/**
 * A decision to start a whole gang now.
 *
 * @param allocations one per pod, in the workload's pod order
 * @param borrowing whether it uses quota lent by other queues (so it may be preempted to reclaim)
 */
public record Admission(String workloadId, List<PodAllocation> allocations, boolean borrowing) {
  public Admission {
    requireNonNull(workloadId, "workloadId is null");
    allocations = List.copyOf(allocations);
  }
}
