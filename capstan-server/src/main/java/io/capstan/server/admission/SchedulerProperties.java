package io.capstan.server.admission;

import io.capstan.scheduler.SchedulerConfig;
import io.capstan.scheduler.placement.GangPlacer;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The scheduler's settings ({@code capstan.scheduler.*}); an absent one takes the scheduler's
 * default. A bad value stops start-up with a message naming the property.
 *
 * @param starvationAge shortest wait after which a preempted job may jump ahead (default 1h)
 * @param starvationFactor times its run time so far that such a job must also have waited (4)
 * @param backfill whether later jobs may start while the head waits, without delaying it (true)
 * @param maxPreemptionsPerCycle the most preemptions one cycle decides (16)
 * @param queueDepth candidates of each queue a cycle considers in full (500, decision 48)
 * @param failedSearchesPerQueue failed preemption searches per queue and cycle (4, decision 48)
 */
@ConfigurationProperties(prefix = "capstan.scheduler")
public record SchedulerProperties(
    Duration starvationAge,
    Double starvationFactor,
    Boolean backfill,
    Integer maxPreemptionsPerCycle,
    Integer queueDepth,
    Integer failedSearchesPerQueue) {
  private static final String PREFIX = "capstan.scheduler.";

  public SchedulerProperties {
    starvationAge = starvationAge == null ? SchedulerConfig.DEFAULT_STARVATION_AGE : starvationAge;
    starvationFactor =
        starvationFactor == null ? SchedulerConfig.DEFAULT_STARVATION_FACTOR : starvationFactor;
    backfill = backfill == null || backfill;
    maxPreemptionsPerCycle =
        maxPreemptionsPerCycle == null
            ? SchedulerConfig.DEFAULT_MAX_PREEMPTIONS_PER_CYCLE
            : maxPreemptionsPerCycle;
    queueDepth = queueDepth == null ? SchedulerConfig.DEFAULT_QUEUE_DEPTH : queueDepth;
    failedSearchesPerQueue =
        failedSearchesPerQueue == null
            ? SchedulerConfig.DEFAULT_FAILED_SEARCHES_PER_QUEUE
            : failedSearchesPerQueue;
    require(
        !starvationAge.isNegative() && !starvationAge.isZero(),
        "starvation-age",
        "a positive duration",
        starvationAge);
    require(
        starvationFactor >= 0 && !starvationFactor.isInfinite(),
        "starvation-factor",
        "a finite number of at least 0",
        starvationFactor);
    require(
        maxPreemptionsPerCycle >= 0,
        "max-preemptions-per-cycle",
        "at least 0",
        maxPreemptionsPerCycle);
    require(queueDepth >= 1, "queue-depth", "at least 1", queueDepth);
    require(
        failedSearchesPerQueue >= 1,
        "failed-searches-per-queue",
        "at least 1",
        failedSearchesPerQueue);
  }

  private static void require(boolean valid, String property, String expected, Object actual) {
    if (!valid) {
      throw new IllegalArgumentException(
          "Expected " + PREFIX + property + " to be " + expected + ", but was " + actual);
    }
  }

  /** The scheduler's configuration with these settings and {@code placer}. */
  SchedulerConfig config(GangPlacer placer) {
    return new SchedulerConfig(
        placer,
        starvationAge,
        backfill,
        maxPreemptionsPerCycle,
        starvationFactor,
        queueDepth,
        failedSearchesPerQueue);
  }
}
