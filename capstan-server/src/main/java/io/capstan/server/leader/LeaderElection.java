package io.capstan.server.leader;

import static java.util.Objects.requireNonNull;

import io.capstan.server.control.Leadership;
import io.capstan.server.control.LoopThread;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Elects one leader among the control-plane replicas sharing a database, as Kubernetes' leader
 * election does with a Lease: the leader renews the lease every retry period; a candidate takes it
 * once it has seen the lease unchanged for the lease duration by its own clock (no synchronised
 * clocks needed); a leader that could not renew for the renew deadline stops leading before anyone
 * else may take over. A replica that stops gives the lease up, so another takes over at its next
 * try instead of after the lease duration.
 */
public final class LeaderElection implements Leadership, SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);
  static final String CONTROLLERS = "controllers";

  private final LeaseStore store;
  private final String identity;
  private final long leaseNanos;
  private final long renewDeadlineNanos;
  private final Duration retryPeriod;
  private final LongSupplier nanos;
  private final Clock clock;
  private final Object lock = new Object();
  private volatile boolean leading;
  private Optional<LeaseStore.Lease> observed = Optional.empty();
  private long observedAt;
  private long renewedAt;
  private long version;
  private final LoopThread thread = new LoopThread("capstan-leader-election");

  LeaderElection(
      LeaseStore store,
      String identity,
      LeaderElectionProperties properties,
      LongSupplier nanos,
      Clock clock) {
    this.store = requireNonNull(store, "store is null");
    this.identity = requireNonNull(identity, "identity is null");
    this.leaseNanos = properties.leaseDuration().toNanos();
    this.renewDeadlineNanos = properties.renewDeadline().toNanos();
    this.retryPeriod = properties.retryPeriod();
    this.nanos = requireNonNull(nanos, "nanos is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** This replica's name in the lease. */
  public String identity() {
    return identity;
  }

  @Override
  public boolean leading() {
    return leading;
  }

  @Override
  public boolean awaitLeading(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (!leading) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        lock.wait(Math.max(1, left / 1_000_000));
      }
      return true;
    }
  }

  /** One try: takes, renews or watches the lease. Returns whether this replica leads after it. */
  boolean tick() {
    long now = nanos.getAsLong();
    try {
      Optional<LeaseStore.Lease> current = store.read(CONTROLLERS);
      if (!current.equals(observed)) {
        observed = current;
        observedAt = now;
      }
      if (current.isEmpty()) {
        if (store.create(CONTROLLERS, identity, clock.millis())) {
          lead(now, 1);
        }
      } else {
        LeaseStore.Lease lease = current.get();
        boolean mine = lease.holder().equals(identity) && leading && lease.version() == version;
        boolean expired = lease.free() || now - observedAt >= leaseNanos;
        if ((mine || expired)
            && store.take(CONTROLLERS, identity, lease.version(), clock.millis())) {
          lead(now, lease.version() + 1);
        } else if (leading) {
          follow("the lease is held by " + lease.holder());
        }
      }
    } catch (RuntimeException e) {
      log.warn("Leader election: the lease could not be read or renewed: {}", e.toString());
    }
    if (leading && now - renewedAt >= renewDeadlineNanos) {
      follow("the lease was not renewed for the renew deadline");
    }
    return leading;
  }

  private void lead(long now, long newVersion) {
    renewedAt = now;
    version = newVersion;
    observed = Optional.of(new LeaseStore.Lease(identity, newVersion));
    observedAt = now;
    if (!leading) {
      log.info("Leader election: {} leads the controllers now", identity);
      synchronized (lock) {
        leading = true;
        lock.notifyAll();
      }
    }
  }

  private void follow(String why) {
    log.warn("Leader election: {} stops leading the controllers: {}", identity, why);
    leading = false;
  }

  @Override
  public void start() {
    thread.start(this::loop);
  }

  private void loop() {
    while (thread.running()) {
      tick();
      try {
        Thread.sleep(retryPeriod.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void stop() {
    thread.stop();
    if (leading) {
      leading = false;
      try {
        store.release(CONTROLLERS, identity, clock.millis());
        log.info("Leader election: {} gave the lease up", identity);
      } catch (RuntimeException e) {
        log.warn("Leader election: the lease could not be given up: {}", e.toString());
      }
    }
  }

  @Override
  public boolean isRunning() {
    return thread.running();
  }

  /** Stops after the controllers (which stop first at a higher phase) and starts before them. */
  @Override
  public int getPhase() {
    return Integer.MIN_VALUE + 1000;
  }
}
