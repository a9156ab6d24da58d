package io.capstan.scheduler;

import static java.util.Objects.requireNonNull;

import io.capstan.scheduler.placement.GangPlacer;
import java.time.Duration;

/**
 * Settings of the {@link Scheduler}.
 *
 * @param placer places whole gangs on node snapshots
 * @param starvationAge the shortest wait after which a workload that has run (and was preempted)
 *     jumps to the front of its priority band
 * @param backfill whether later workloads may start while the head waits, without delaying it
 * @param maxPreemptionsPerCycle the most preemptions one cycle may decide
 * @param starvationFactor a workload that has run jumps to the front of its priority band once its
 *     current wait exceeds both {@code starvationAge} and this many times its run time so far
 *     (Tiresias' STARVELIMIT: the threshold is relative, so starvation prevention does not turn
 *     every policy into FIFO when the cluster is loaded)
 * @param queueDepth how many candidates of each queue a cycle considers in full, in the queue's
 *     order; the rest get a reason from the cycle's final quota and free resources and are
 *     considered once they move up (decision 48)
 * @param failedSearchesPerQueue how many preemption searches of one queue may fail in a cycle
 *     before its later candidates leave searching to a later cycle (decision 48)
 */
public record SchedulerConfig(
    GangPlacer placer,
    Duration starvationAge,
    boolean backfill,
    int maxPreemptionsPerCycle,
    double starvationFactor,
    int queueDepth,
    int failedSearchesPerQueue) {
  /** The shortest wait before starvation prevention lets a preempted workload go first. */
  public static final Duration DEFAULT_STARVATION_AGE = Duration.ofHours(1);

  /** The most preemptions one cycle decides. */
  public static final int DEFAULT_MAX_PREEMPTIONS_PER_CYCLE = 16;

  /** Starvation prevention waits four times a workload's run time, but at least the age. */
  public static final double DEFAULT_STARVATION_FACTOR = 4;

  /** A cycle considers the first 500 candidates of each queue in full (decision 48). */
  public static final int DEFAULT_QUEUE_DEPTH = 500;

  /** Four failed preemption searches of a queue end its searching for the cycle (decision 48). */
  public static final int DEFAULT_FAILED_SEARCHES_PER_QUEUE = 4;

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
    if (!(starvationFactor >= 0) || Double.isInfinite(starvationFactor)) {
      throw new IllegalArgumentException(
          "Expected a finite non-negative starvationFactor, but was " + starvationFactor);
    }
    if (queueDepth < 1) {
      throw new IllegalArgumentException(
          "Expected a queueDepth of at least 1, but was " + queueDepth);
    }
    if (failedSearchesPerQueue < 1) {
      throw new IllegalArgumentException(
          "Expected failedSearchesPerQueue to be at least 1, but was " + failedSearchesPerQueue);
    }
  }

  /** With the default bounds of a cycle's work. */
  public SchedulerConfig(
      GangPlacer placer,
      Duration starvationAge,
      boolean backfill,
      int maxPreemptionsPerCycle,
      double starvationFactor) {
    this(
        placer,
        starvationAge,
        backfill,
        maxPreemptionsPerCycle,
        starvationFactor,
        DEFAULT_QUEUE_DEPTH,
        DEFAULT_FAILED_SEARCHES_PER_QUEUE);
  }

  /** With the default starvation factor. */
  public SchedulerConfig(
      GangPlacer placer, Duration starvationAge, boolean backfill, int maxPreemptionsPerCycle) {
    this(placer, starvationAge, backfill, maxPreemptionsPerCycle, DEFAULT_STARVATION_FACTOR);
  }

  /** Starvation age 1 hour and factor 4, backfill on, at most 16 preemptions per cycle. */
  public static SchedulerConfig defaults(GangPlacer placer) {
    return new SchedulerConfig(
        placer, DEFAULT_STARVATION_AGE, true, DEFAULT_MAX_PREEMPTIONS_PER_CYCLE);
  }
}
