package io.capstan.scheduler.trace;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;

/**
 * One job of Microsoft's Philly trace (2017): when it was submitted, how long it ran, how many GPUs
 * it used and the virtual cluster (team) it ran in.
 *
 * @param id {@code philly-N}, N its 1-based data row in {@code philly.csv}
 */
public record PhillyJob(
    String id, Instant submitted, Duration duration, int gpus, String virtualCluster) {
  public PhillyJob {
    requireNonNull(id, "id is null");
    requireNonNull(submitted, "submitted is null");
    requireNonNull(duration, "duration is null");
    requireNonNull(virtualCluster, "virtualCluster is null");
    if (duration.isNegative()) {
      throw new IllegalArgumentException(
          "Expected a non-negative duration of job " + id + ", but was " + duration);
    }
    if (gpus < 1) {
      throw new IllegalArgumentException(
          "Expected at least 1 GPU for job " + id + ", but was " + gpus);
    }
  }

  /** GPU-seconds it consumed: GPUs times duration. */
  public double gpuSeconds() {
    return gpus * duration.toMillis() / 1000.0;
  }
}
