package io.capstan.scheduler.simulation;

import static java.util.Objects.requireNonNull;

import io.capstan.scheduler.Workload;
import java.time.Duration;

/**
 * A workload to replay and how long it runs once started (its useful work; a preempted run keeps
 * its progress through a checkpoint).
 */
public record SimJob(Workload workload, Duration duration) {
  public SimJob {
    requireNonNull(workload, "workload is null");
    requireNonNull(duration, "duration is null");
    if (duration.isNegative()) {
      throw new IllegalArgumentException(
          "Expected a non-negative duration of job " + workload.id() + ", but was " + duration);
    }
  }

  public String id() {
    return workload.id();
  }
}
