package io.capstan.server.notebook;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides when a notebook is idle: no request through the proxy ({@link #touched}) and no kernel
 * seen busy ({@link #polled}) for its cull time. Jupyter's own {@code last_activity} is not used:
 * every API call bumps it, the culler's own polls included. A notebook first seen (started, or
 * found running by a control plane that just started) counts as active at that moment, so it gets
 * its full cull time.
 *
 * <p>With several control-plane replicas a browser's requests may go through any of them while only
 * the leader culls: each replica writes the activity its proxy sees to the database ({@link
 * NotebookActivityStore}) at most every {@value #SHARE_SECONDS} s per notebook, and the culler
 * takes the later of what it saw and what the database says.
 */
final class IdleCuller {
  static final int SHARE_SECONDS = 10;

  private final Clock clock;
  private final NotebookActivityStore shared;
  private final Map<String, Instant> lastActivity = new ConcurrentHashMap<>();
  private final Map<String, Instant> lastShared = new ConcurrentHashMap<>();

  IdleCuller(Clock clock, NotebookActivityStore shared) {
    this.clock = requireNonNull(clock, "clock is null");
    this.shared = requireNonNull(shared, "shared is null");
  }

  /** A user's request to the notebook {@code uid} went through the proxy now. */
  void touched(String uid) {
    Instant now = clock.instant();
    lastActivity.put(uid, now);
    Instant sharedAt = lastShared.get(uid);
    if (sharedAt == null || !now.isBefore(sharedAt.plusSeconds(SHARE_SECONDS))) {
      lastShared.put(uid, now);
      shared.record(uid, now);
    }
  }

  /** The culler asked the server of notebook {@code uid}; {@code busy}: a kernel was busy. */
  void polled(String uid, boolean busy) {
    Instant now = clock.instant();
    if (busy) {
      lastActivity.put(uid, now);
    } else {
      lastActivity.putIfAbsent(uid, now);
    }
  }

  /** The notebook's server (re)started: its idle time counts from now. */
  void started(String uid) {
    Instant now = clock.instant();
    lastActivity.put(uid, now);
    lastShared.put(uid, now);
    shared.record(uid, now);
  }

  /**
   * The last activity of notebook {@code uid} this replica saw since it started, or another
   * replica's proxy recorded, whichever is later.
   */
  Optional<Instant> lastActivity(String uid) {
    Instant seen = lastActivity.get(uid);
    Optional<Instant> recorded = shared.last(uid);
    if (seen == null) {
      return recorded;
    }
    return Optional.of(recorded.filter(seen::isBefore).orElse(seen));
  }

  /**
   * Why notebook {@code uid} is to be stopped now, or empty while it is not idle for {@code
   * cullAfter} (zero: never culled). Call after {@link #polled} of this pass.
   */
  Optional<String> cullReason(String uid, Duration cullAfter) {
    if (cullAfter.isZero() || !lastActivity.containsKey(uid)) {
      return Optional.empty();
    }
    Instant last = lastActivity(uid).orElseThrow();
    Duration idle = idle(last);
    if (idle.compareTo(cullAfter) < 0) {
      return Optional.empty();
    }
    return Optional.of(
        "Stopped after "
            + NotebookDurations.format(idle)
            + " idle (no kernel busy and no request through the proxy since "
            + last
            + "; the cull time is "
            + NotebookDurations.format(cullAfter)
            + "); the workspace is kept");
  }

  /**
   * Whether notebook {@code uid} has been idle for at least {@code after}: never when {@code after}
   * is zero or this replica has not seen the notebook run since it started (its idle time is then
   * unknown). Asks the database only when this replica's own view already says idle.
   */
  boolean idleFor(String uid, Duration after) {
    Instant seen = lastActivity.get(uid);
    if (after.isZero() || seen == null || idle(seen).compareTo(after) < 0) {
      return false;
    }
    return idle(lastActivity(uid).orElseThrow()).compareTo(after) >= 0;
  }

  /** How long a notebook last active at {@code last} has been idle. */
  Duration idle(Instant last) {
    return Duration.between(last, clock.instant());
  }

  /**
   * Forgets notebook {@code uid} (stopped or deleted), here and, when this replica knew it, in the
   * database: called on every pass over a stopped notebook, so it writes only once.
   */
  void forget(String uid) {
    lastShared.remove(uid);
    if (lastActivity.remove(uid) != null) {
      shared.forget(uid);
    }
  }
}
