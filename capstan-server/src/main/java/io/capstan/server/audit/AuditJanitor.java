package io.capstan.server.audit;

import static java.util.Objects.requireNonNull;

import io.capstan.server.control.ControlLoop;
import io.capstan.server.control.Leadership;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/** Applies the retention setting: deletes audit events older than it, at start and every 10 min. */
final class AuditJanitor implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(AuditJanitor.class);
  static final Duration INTERVAL = Duration.ofMinutes(10);

  private final AuditStore store;
  private final Duration retention;
  private final Clock clock;
  private final ControlLoop loop;

  AuditJanitor(AuditStore store, AuditConfig config, Clock clock, Leadership leadership) {
    this.store = requireNonNull(store, "store is null");
    this.retention = config.retention();
    this.clock = requireNonNull(clock, "clock is null");
    this.loop = new ControlLoop("capstan-audit-janitor", this::runOnce, INTERVAL, leadership);
  }

  /** Deletes what is past the retention; returns how many events. */
  int runOnce() {
    Instant cutoff = clock.instant().minus(retention);
    int deleted = store.deleteOlderThan(cutoff);
    if (deleted > 0) {
      log.info("Deleted {} audit events older than {} (retention {})", deleted, cutoff, retention);
    }
    return deleted;
  }

  @Override
  public void start() {
    loop.start();
  }

  @Override
  public void stop() {
    loop.stop();
  }

  @Override
  public boolean isRunning() {
    return loop.isRunning();
  }
}
