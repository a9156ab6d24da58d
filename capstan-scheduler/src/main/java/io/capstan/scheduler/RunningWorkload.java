package io.capstan.scheduler;

import static java.util.Objects.requireNonNull;

import io.capstan.scheduler.cluster.PodAllocation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A workload that holds resources: admitted and running, or being stopped after a preemption.
 *
 * @param allocations where its pods are; the node snapshots of the state already include them
 * @param startedAt when this run started
 * @param attainedGpuSecondsBefore GPU-seconds received in earlier runs
 * @param terminating a preemption was decided and the workload is in its grace period; its
 *     resources free when the driver reports it gone
 */
public record RunningWorkload(
    Workload workload,
    List<PodAllocation> allocations,
    Instant startedAt,
    double attainedGpuSecondsBefore,
    boolean terminating) {
  public RunningWorkload {
    requireNonNull(workload, "workload is null");
    allocations = List.copyOf(allocations);
    requireNonNull(startedAt, "startedAt is null");
  }

  /** GPU-seconds received up to {@code now}, over all runs. */
  public double attainedGpuSeconds(Instant now) {
    double seconds = Math.max(0, Duration.between(startedAt, now).toMillis() / 1000.0);
    return attainedGpuSecondsBefore + seconds * workload.total().gpuMilli() / 1000.0;
  }
}
