package io.capstan.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

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

  /** Whether a workload that has run starves, computed once per cycle. */
  private final Map<PendingWorkload, Boolean> starvingMemo = new IdentityHashMap<>();

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
    return starvingMemo.computeIfAbsent(pending, this::starvingNow);
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
    Arrays.sort(keyed, (a, b) -> compare(policy, a, b));
    for (int i = 0; i < keyed.length; i++) {
      pending.set(i, keyed[i].pending());
    }
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
