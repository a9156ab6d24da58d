package io.capstan.server.metrics;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the metrics' retention: deletes the points of jobs that finished longer ago than it (the
 * latest value of each series stays with the job), run on the leader at start and every 10 min.
 */
final class MetricsJanitor {
  private static final Logger log = LoggerFactory.getLogger(MetricsJanitor.class);
  static final Duration INTERVAL = Duration.ofMinutes(10);

  private final MetricsStore store;
  private final Duration retention;
  private final Clock clock;

  MetricsJanitor(MetricsStore store, MetricsConfig config, Clock clock) {
    this.store = requireNonNull(store, "store is null");
    this.retention = config.retention();
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** Deletes the points past the retention; returns how many. */
  int runOnce() {
    Instant cutoff = clock.instant().minus(retention);
    int deleted = store.deletePointsOfJobsFinishedBefore(cutoff);
    if (deleted > 0) {
      log.info(
          "Deleted {} metric points of jobs finished before {} (retention {})",
          deleted,
          cutoff,
          retention);
    }
    return deleted;
  }
}
