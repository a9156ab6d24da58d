package io.capstan.scheduler.simulation;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;

/**
 * What happened to one finished job in a simulation.
 *
 * @param firstStarted when its first run started
 * @param runTime useful run time over all runs (equals its duration: progress survives preemption)
 * @param preemptions how many times it was preempted
 */
public record JobOutcome(
    String id,
    String queue,
    long gpuMilli,
    Instant submitted,
    Instant firstStarted,
    Instant finished,
    Duration duration,
    Duration runTime,
    int preemptions) {
  public JobOutcome {
    requireNonNull(id, "id is null");
    requireNonNull(queue, "queue is null");
    requireNonNull(submitted, "submitted is null");
    requireNonNull(firstStarted, "firstStarted is null");
    requireNonNull(finished, "finished is null");
    requireNonNull(duration, "duration is null");
    requireNonNull(runTime, "runTime is null");
    if (firstStarted.isBefore(submitted) || finished.isBefore(firstStarted)) {
      throw new IllegalArgumentException(
          "Expected submitted <= firstStarted <= finished for job "
              + id
              + ", but was "
              + submitted
              + ", "
              + firstStarted
              + ", "
              + finished);
    }
  }

  /** First start minus submission. */
  public Duration queueingDelay() {
    return Duration.between(submitted, firstStarted);
  }

  /** Job completion time (JCT): finish minus submission. */
  public Duration completionTime() {
    return Duration.between(submitted, finished);
  }

  /** Every moment it was not making progress: completion time minus duration. */
  public Duration totalWaiting() {
    return completionTime().minus(duration);
  }

  /**
   * Bounded slowdown (Feitelson): completion time over {@code max(duration, 10 s)}, at least 1, so
   * that jobs of a few seconds do not dominate averages.
   */
  public double boundedSlowdown() {
    double bound = Math.max(duration.toMillis(), 10_000);
    return Math.max(1.0, completionTime().toMillis() / bound);
  }
}
