package io.capstan.scheduler;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;

/**
 * The order of pending workloads: priority first, then starving ones (oldest first), then the
 * queue's policy, then arrival.
 */
final class PendingOrder {
  /**
   * Attained GPU-seconds thresholds of the discretized LAS levels (Tiresias 2D-LAS): below 1
   * GPU-hour, below 10 GPU-hours, the rest.
   */
  private static final double[] LAS_THRESHOLDS = {3600, 36000};

  /** Submitted before this, a workload waited longer than the starvation age; null: none did. */
  private final Instant starvingBefore;

  PendingOrder(Instant now, Duration starvationAge) {
    this.starvingBefore = minusOrNull(now, starvationAge);
  }

  /**
   * Waiting longer than the starvation age in its current wait: it goes before every workload of
   * its priority that does not starve (Tiresias promotes such a job to the highest LAS level).
   */
  boolean starving(PendingWorkload pending) {
    return starvingBefore != null && pending.waitingSince().isBefore(starvingBefore);
  }

  /** {@code now - age}, or null when that is before the earliest instant (nothing is older). */
  private static Instant minusOrNull(Instant now, Duration age) {
    try {
      return now.minus(age);
    } catch (DateTimeException | ArithmeticException e) {
      return null;
    }
  }

  static int lasLevel(double attainedGpuSeconds) {
    int level = 0;
    while (level < LAS_THRESHOLDS.length && attainedGpuSeconds >= LAS_THRESHOLDS[level]) {
      level++;
    }
    return level;
  }

  /** The order within a queue with {@code policy}. */
  Comparator<PendingWorkload> within(OrderingPolicy policy) {
    return (a, b) -> {
      int byBand = band(a, b);
      if (byBand != 0) {
        return byBand;
      }
      if (!starving(a)) {
        int byPolicy = byPolicy(policy, a, b);
        if (byPolicy != 0) {
          return byPolicy;
        }
      }
      return arrival(a.workload(), b.workload());
    };
  }

  /** Higher priority first; within a priority, starving before not starving. */
  int band(PendingWorkload a, PendingWorkload b) {
    int byPriority = Integer.compare(b.workload().priority(), a.workload().priority());
    if (byPriority != 0) {
      return byPriority;
    }
    return Boolean.compare(starving(b), starving(a));
  }

  static int arrival(Workload a, Workload b) {
    int byTime = a.submittedAt().compareTo(b.submittedAt());
    return byTime != 0 ? byTime : a.id().compareTo(b.id());
  }

  private static int byPolicy(OrderingPolicy policy, PendingWorkload a, PendingWorkload b) {
    return switch (policy) {
      case FIFO -> 0;
      case LAS ->
          Integer.compare(lasLevel(a.attainedGpuSeconds()), lasLevel(b.attainedGpuSeconds()));
      case SJF_ORACLE ->
          byKnownDuration(a.workload().knownDuration(), b.workload().knownDuration());
    };
  }

  private static int byKnownDuration(Duration a, Duration b) {
    if (a == null || b == null) {
      // Unknown durations go last.
      return Boolean.compare(a == null, b == null);
    }
    return a.compareTo(b);
  }
}
