package io.capstan.server.job;

import java.time.Duration;
import java.time.Instant;

/**
 * A job's service across its runs, for least-attained-service ordering and starvation ageing.
 *
 * @param runStartedAt when its current run was admitted; null while it waits
 * @param attainedGpuSeconds GPU-seconds its earlier runs received
 * @param waitingSince when its current wait began after a preemption; null: since submission
 */
public record JobRuns(Instant runStartedAt, double attainedGpuSeconds, Instant waitingSince) {
  /** A job that never ran. */
  public static final JobRuns NONE = new JobRuns(null, 0, null);

  public JobRuns {
    if (!(attainedGpuSeconds >= 0)) {
      throw new IllegalArgumentException(
          "Expected non-negative attained GPU-seconds, but was " + attainedGpuSeconds);
    }
  }

  /** A run admitted at {@code now}. */
  public JobRuns started(Instant now) {
    return new JobRuns(now, attainedGpuSeconds, waitingSince);
  }

  /** The run stopped by a preemption at {@code now}: its service is kept, the wait begins. */
  public JobRuns preempted(Instant now, long gpuMilli) {
    double ran =
        runStartedAt == null
            ? 0
            : Math.max(0, Duration.between(runStartedAt, now).toMillis() / 1000.0);
    return new JobRuns(null, attainedGpuSeconds + ran * gpuMilli / 1000.0, now);
  }
}
