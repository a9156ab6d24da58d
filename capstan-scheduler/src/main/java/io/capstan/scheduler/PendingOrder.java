package io.capstan.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

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

  private final Instant now;
  private final double starvationAgeSeconds;
  private final double starvationFactor;

  PendingOrder(Instant now, Duration starvationAge, double starvationFactor) {
    this.now = now;
    this.starvationAgeSeconds = seconds(starvationAge);
    this.starvationFactor = starvationFactor;
  }

  /**
   * Waiting, in its current wait, longer than the starvation age and than the starvation factor
   * times its service so far: it goes before every workload of its priority that does not starve
   * (Tiresias promotes a job to the highest LAS level after waiting STARVELIMIT times its last
   * run). A workload that never ran does not starve: every policy but the oracle already orders
   * those by arrival after everything they could be demoted for. The shortest-job-first oracle
   * counts a workload's known duration as its service, so a long job waits at most that many times
   * its length.
   */
  boolean starving(PendingWorkload pending) {
    if (pending.attainedGpuSeconds() <= 0 && pending.workload().knownDuration() == null) {
      return false;
    }
    return starvingNow(pending);
  }

  private boolean starvingNow(PendingWorkload pending) {
    double service = serviceSeconds(pending);
    if (service <= 0) {
      return false;
    }
    double waited = seconds(Duration.between(pending.waitingSince(), now));
    return waited > Math.max(starvationAgeSeconds, starvationFactor * service);
  }

  /** Run time so far (GPU-seconds over its GPUs), else the oracle's known duration. */
  private static double serviceSeconds(PendingWorkload pending) {
    Workload workload = pending.workload();
    long gpuMilli = workload.total().gpuMilli();
    if (pending.attainedGpuSeconds() > 0 && gpuMilli > 0) {
      return pending.attainedGpuSeconds() * 1000 / gpuMilli;
    }
    return workload.knownDuration() == null ? 0 : seconds(workload.knownDuration());
  }

  /** In seconds, without overflow for any duration. */
  private static double seconds(Duration duration) {
    return duration.getSeconds() + duration.getNano() / 1e9;
  }

  static int lasLevel(double attainedGpuSeconds) {
    int level = 0;
    while (level < LAS_THRESHOLDS.length && attainedGpuSeconds >= LAS_THRESHOLDS[level]) {
      level++;
    }
    return level;
  }

  /**
   * Sorts a queue's pending workloads in its order: priority, starving before not starving, the
   * queue's policy for those not starving, then arrival. Each workload's keys are read once, not in
   * every comparison: a queue may hold tens of thousands.
   */
  void sort(List<PendingWorkload> pending, OrderingPolicy policy) {
    sortFirst(pending, policy, pending.size());
  }

  /**
   * As {@link #sort}, but only the first {@code count} positions: they hold the first {@code count}
   * workloads of the queue's order, in that order; the rest follow in no particular order. Choosing
   * them costs O(n) comparisons instead of sorting all.
   */
  void sortFirst(List<PendingWorkload> pending, OrderingPolicy policy, int count) {
    Keyed[] keyed = new Keyed[pending.size()];
    for (int i = 0; i < keyed.length; i++) {
      PendingWorkload workload = pending.get(i);
      boolean starving = starving(workload);
      Instant submitted = workload.workload().submittedAt();
      // Priority descending, starving first, then the LAS level of those not starving.
      long band =
          ((long) Integer.MAX_VALUE - workload.workload().priority()) << 3
              | (starving ? 0 : 4)
              | (starving || policy != OrderingPolicy.LAS
                  ? 0
                  : lasLevel(workload.attainedGpuSeconds()));
      keyed[i] =
          new Keyed(workload, band, starving, submitted.getEpochSecond(), submitted.getNano());
    }
    Comparator<Keyed> order = (a, b) -> compare(policy, a, b);
    int first = Math.min(count, keyed.length);
    if (first < keyed.length) {
      select(keyed, first - 1, order);
    }
    Arrays.sort(keyed, 0, first, order);
    for (int i = 0; i < keyed.length; i++) {
      pending.set(i, keyed[i].pending());
    }
  }

  /**
   * Rearranges {@code keyed} so that position {@code k} holds what sorting would put there, nothing
   * after it before it and nothing before it after it (Hoare's selection, median-of-three pivots).
   */
  private static void select(Keyed[] keyed, int k, Comparator<Keyed> order) {
    int low = 0;
    int high = keyed.length - 1;
    while (high > low) {
      int middle = (low + high) >>> 1;
      if (order.compare(keyed[middle], keyed[low]) < 0) {
        swap(keyed, low, middle);
      }
      if (order.compare(keyed[high], keyed[low]) < 0) {
        swap(keyed, low, high);
      }
      if (order.compare(keyed[high], keyed[middle]) < 0) {
        swap(keyed, middle, high);
      }
      Keyed pivot = keyed[middle];
      int i = low;
      int j = high;
      while (i <= j) {
        while (order.compare(keyed[i], pivot) < 0) {
          i++;
        }
        while (order.compare(keyed[j], pivot) > 0) {
          j--;
        }
        if (i <= j) {
          swap(keyed, i++, j--);
        }
      }
      if (k <= j) {
        high = j;
      } else if (k >= i) {
        low = i;
      } else {
        return;
      }
    }
  }

  private static void swap(Keyed[] keyed, int i, int j) {
    Keyed kept = keyed[i];
    keyed[i] = keyed[j];
    keyed[j] = kept;
  }

  private static int compare(OrderingPolicy policy, Keyed a, Keyed b) {
    int byBand = Long.compare(a.band(), b.band());
    if (byBand != 0) {
      return byBand;
    }
    if (!a.starving() && policy == OrderingPolicy.SJF_ORACLE) {
      int byDuration =
          byKnownDuration(
              a.pending().workload().knownDuration(), b.pending().workload().knownDuration());
      if (byDuration != 0) {
        return byDuration;
      }
    }
    int bySecond = Long.compare(a.submittedSecond(), b.submittedSecond());
    if (bySecond != 0) {
      return bySecond;
    }
    int byNano = Integer.compare(a.submittedNano(), b.submittedNano());
    return byNano != 0
        ? byNano
        : a.pending().workload().id().compareTo(b.pending().workload().id());
  }

  /** A pending workload with the keys of its order: its band and its arrival. */
  private record Keyed(
      PendingWorkload pending,
      long band,
      boolean starving,
      long submittedSecond,
      int submittedNano) {}

  static int arrival(Workload a, Workload b) {
    int byTime = a.submittedAt().compareTo(b.submittedAt());
    return byTime != 0 ? byTime : a.id().compareTo(b.id());
  }

  private static int byKnownDuration(Duration a, Duration b) {
    if (a == null || b == null) {
      // Unknown durations go last.
      return Boolean.compare(a == null, b == null);
    }
    return a.compareTo(b);
  }
}
