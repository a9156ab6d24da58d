package io.capstan.scheduler;

import static java.util.Objects.requireNonNull;

/**
 * A workload waiting to start.
 *
 * @param attainedGpuSeconds GPU-seconds it already received in earlier runs (it was preempted and
 *     requeued); 0 for a new workload
 */
public record PendingWorkload(Workload workload, double attainedGpuSeconds) {
  public PendingWorkload {
    requireNonNull(workload, "workload is null");
  }
}
