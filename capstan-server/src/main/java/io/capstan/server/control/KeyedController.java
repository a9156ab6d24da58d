package io.capstan.server.control;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Drives a {@link Reconciler} from a {@link WorkQueue} on one thread of its own, so each object has
 * one writer: API threads record intent in the store and {@link #enqueue} the key; the thread takes
 * keys one at a time, requeues the ones that asked for it, backs off per key after an error and,
 * every resync interval, enqueues every key the resync source names (level-triggered: nothing is
 * lost if a wake-up is). Keys are taken only while this replica leads ({@link Leadership}); keys
 * enqueued meanwhile wait, and a replica that becomes leader resyncs every key at once.
 *
 * @param <K> the key, e.g. a job's uid
 */
public final class KeyedController<K> implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(KeyedController.class);

  private final String name;
  private final WorkQueue<K> queue;
  private final Reconciler<K> reconciler;
  private final Supplier<? extends Collection<K>> resyncKeys;
  private final Duration resyncInterval;
  private final Clock clock;
  private final Leadership leadership;
  private final LoopThread thread;
  private Instant lastResync = Instant.MIN;

  /** Reconciles one key. */
  @FunctionalInterface
  public interface Reconciler<K> {
    /**
     * Brings the object named by {@code key} one step closer to what is wanted.
     *
     * @return when to look at it again even if nothing changes, or empty
     */
    Optional<Duration> reconcile(K key);
  }

  /**
   * @param name the thread's name, e.g. {@code capstan-job-controller}
   * @param queue the keys to reconcile
   * @param reconciler what runs for each key
   * @param resyncKeys every key that should be looked at on a resync
   * @param resyncInterval how often every key is looked at even when nobody asked
   * @param clock for the resync interval
   * @param leadership when keys are taken
   */
  public KeyedController(
      String name,
      WorkQueue<K> queue,
      Reconciler<K> reconciler,
      Supplier<? extends Collection<K>> resyncKeys,
      Duration resyncInterval,
      Clock clock,
      Leadership leadership) {
    this.name = name;
    this.queue = queue;
    this.reconciler = reconciler;
    this.resyncKeys = resyncKeys;
    this.resyncInterval = resyncInterval;
    this.clock = clock;
    this.leadership = leadership;
    this.thread = new LoopThread(name);
  }

  /** Asks for a reconcile of {@code key}. */
  public void enqueue(K key) {
    queue.add(key);
  }

  /**
   * Reconciles every key that is due now, on the caller's thread, and returns how many ran; for
   * tests that drive the controller on a controllable clock.
   */
  public int runDue() {
    resyncIfDue();
    int ran = 0;
    Optional<K> key;
    while ((key = queue.poll()).isPresent()) {
      process(key.get());
      ran++;
    }
    return ran;
  }

  /** Enqueues every key of the resync source now. */
  public void resync() {
    lastResync = clock.instant();
    try {
      resyncKeys.get().forEach(queue::add);
    } catch (RuntimeException e) {
      log.error("{}: listing the objects to resync failed; retrying", name, e);
    }
  }

  @Override
  public void start() {
    thread.start(this::loop);
  }

  @Override
  public void stop() {
    queue.shutDown();
    thread.stop();
  }

  @Override
  public boolean isRunning() {
    return thread.running();
  }

  private void loop() {
    boolean led = false;
    while (thread.running()) {
      try {
        if (!leadership.leading()) {
          led = false;
          if (!leadership.awaitLeading(resyncInterval)) {
            continue;
          }
        }
        if (!led) {
          led = true;
          resync();
        }
        resyncIfDue();
        queue.take(resyncInterval).ifPresent(this::process);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void resyncIfDue() {
    if (!clock.instant().isBefore(lastResync.plus(resyncInterval))) {
      resync();
    }
  }

  private void process(K key) {
    try {
      Optional<Duration> again = reconciler.reconcile(key);
      queue.forget(key);
      again.ifPresent(delay -> queue.addAfter(key, delay));
    } catch (RuntimeException e) {
      Duration delay = queue.retryLater(key);
      log.error("{}: reconciling {} failed; retrying in {} ms", name, key, delay.toMillis(), e);
    } finally {
      queue.done(key);
    }
  }
}
