package io.capstan.scheduler;

import static java.util.Objects.requireNonNull;

import io.capstan.scheduler.placement.GangPlacer;
import java.time.Duration;

/**
 * Settings of the {@link Scheduler}.
 *
 * @param placer places whole gangs on node snapshots
 * @param starvationAge a workload pending longer than this jumps to the front of its priority band
 * @param backfill whether later workloads may start while the head waits, without delaying it
 * @param maxPreemptionsPerCycle the most preemptions one cycle may decide
 */
public record SchedulerConfig(
    GangPlacer placer, Duration starvationAge, boolean backfill, int maxPreemptionsPerCycle) {
  public SchedulerConfig {
    requireNonNull(placer, "placer is null");
    requireNonNull(starvationAge, "starvationAge is null");
    if (starvationAge.isNegative() || starvationAge.isZero()) {
      throw new IllegalArgumentException(
          "Expected a positive starvation age, but was " + starvationAge);
    }
    if (maxPreemptionsPerCycle < 0) {
      throw new IllegalArgumentException(
          "Expected a non-negative maxPreemptionsPerCycle, but was " + maxPreemptionsPerCycle);
    }
  }

  /** Starvation age 1 hour, backfill on, at most 16 preemptions per cycle. */
  public static SchedulerConfig defaults(GangPlacer placer) {
    return new SchedulerConfig(placer, Duration.ofHours(1), true, 16);
  }
}
