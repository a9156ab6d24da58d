package io.capstan.server.control;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A keyed work queue in the manner of client-go's: a key waits at most once however often it is
 * added, a key being reconciled is never handed out again until {@link #done} (one reconcile in
 * flight per object; an add meanwhile runs it once more afterwards), and a key that failed comes
 * back after a delay that doubles with each failure in a row ({@link #retryLater}) until {@link
 * #forget}. Delays are measured on the given clock, so tests drive the queue with {@link #poll}.
 *
 * @param <K> the key, e.g. a job's uid
 */
public final class WorkQueue<K> {
  private final Clock clock;
  private final Duration baseDelay;
  private final Duration maxDelay;
  private final ArrayDeque<K> ready = new ArrayDeque<>();
  private final Set<K> dirty = new HashSet<>();
  private final Set<K> processing = new HashSet<>();
  private final Map<K, Instant> waiting = new HashMap<>();
  private final Map<K, Integer> failures = new HashMap<>();
  private boolean shutDown;

  /**
   * @param clock when delayed keys are due
   * @param baseDelay the delay after a key's first failure
   * @param maxDelay the longest delay after repeated failures
   */
  public WorkQueue(Clock clock, Duration baseDelay, Duration maxDelay) {
    this.clock = clock;
    this.baseDelay = baseDelay;
    this.maxDelay = maxDelay;
  }

  /** Asks for a reconcile of {@code key} as soon as possible. */
  public synchronized void add(K key) {
    if (shutDown || !dirty.add(key)) {
      return;
    }
    waiting.remove(key);
    if (!processing.contains(key)) {
      ready.addLast(key);
    }
    notifyAll();
  }

  /** Asks for a reconcile of {@code key} after {@code delay}, unless it is due sooner anyway. */
  public synchronized void addAfter(K key, Duration delay) {
    if (shutDown) {
      return;
    }
    if (delay.isZero() || delay.isNegative()) {
      add(key);
      return;
    }
    if (dirty.contains(key)) {
      return;
    }
    Instant due = clock.instant().plus(delay);
    waiting.merge(key, due, (a, b) -> a.isBefore(b) ? a : b);
    notifyAll();
  }

  /**
   * Brings {@code key} back after its failure delay: base, doubled per failure in a row, capped.
   */
  public synchronized Duration retryLater(K key) {
    int count = failures.merge(key, 1, Integer::sum);
    Duration delay = backoff(count);
    addAfter(key, delay);
    return delay;
  }

  /** Clears {@code key}'s failures after a reconcile that succeeded. */
  public synchronized void forget(K key) {
    failures.remove(key);
  }

  /** How many times in a row {@code key} failed. */
  public synchronized int failures(K key) {
    return failures.getOrDefault(key, 0);
  }

  /**
   * The next key due now, marked as being processed, or empty when none is due. The caller must
   * call {@link #done} when it has reconciled it.
   */
  public synchronized Optional<K> poll() {
    promoteDue(clock.instant());
    K key = ready.pollFirst();
    if (key == null) {
      return Optional.empty();
    }
    dirty.remove(key);
    processing.add(key);
    return Optional.of(key);
  }

  /**
   * Waits for the next due key, at most {@code maxWait} (real time); empty when none came or the
   * queue was shut down.
   */
  public synchronized Optional<K> take(Duration maxWait) throws InterruptedException {
    long deadline = System.nanoTime() + maxWait.toNanos();
    while (!shutDown) {
      Optional<K> key = poll();
      if (key.isPresent()) {
        return key;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return Optional.empty();
      }
      long untilDue = untilNextDueMillis();
      long waitMillis = Math.max(1, Math.min(left / 1_000_000, untilDue));
      wait(waitMillis);
    }
    return Optional.empty();
  }

  /** Marks {@code key} reconciled; if it was added meanwhile, it is due again at once. */
  public synchronized void done(K key) {
    processing.remove(key);
    if (dirty.contains(key)) {
      ready.addLast(key);
      notifyAll();
    }
  }

  /** Keys waiting now or later (for status and tests). */
  public synchronized int size() {
    return dirty.size() + waiting.size();
  }

  /** Hands out no more keys; {@link #take} returns empty. */
  public synchronized void shutDown() {
    shutDown = true;
    notifyAll();
  }

  private Duration backoff(int count) {
    Duration delay = baseDelay;
    for (int i = 1; i < count && delay.compareTo(maxDelay) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
  }

  private void promoteDue(Instant now) {
    if (waiting.isEmpty()) {
      return;
    }
    var due = waiting.entrySet().iterator();
    while (due.hasNext()) {
      var entry = due.next();
      if (!entry.getValue().isAfter(now)) {
        due.remove();
        K key = entry.getKey();
        if (dirty.add(key) && !processing.contains(key)) {
          ready.addLast(key);
        }
      }
    }
  }

  private long untilNextDueMillis() {
    Instant now = clock.instant();
    return waiting.values().stream()
        .mapToLong(due -> Math.max(1, Duration.between(now, due).toMillis()))
        .min()
        .orElse(Long.MAX_VALUE);
  }
}
