package io.capstan.scheduler;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A workload waiting to start.
 *
 * @param attainedGpuSeconds GPU-seconds it already received in earlier runs (it was preempted and
 *     requeued); 0 for a new workload
 * @param waitingSince when its current wait began: its submission, or when it was last preempted
 *     (starvation ageing counts from here)
 */
public record PendingWorkload(Workload workload, double attainedGpuSeconds, Instant waitingSince) {
  public PendingWorkload {
    requireNonNull(workload, "workload is null");
    waitingSince = waitingSince == null ? workload.submittedAt() : waitingSince;
  }

  /** A workload waiting since its submission. */
  public PendingWorkload(Workload workload, double attainedGpuSeconds) {
    this(workload, attainedGpuSeconds, null);
  }
}
