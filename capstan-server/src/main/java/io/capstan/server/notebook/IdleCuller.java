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
 */
final class IdleCuller {
  private final Clock clock;
  private final Map<String, Instant> lastActivity = new ConcurrentHashMap<>();

  IdleCuller(Clock clock) {
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** A user's request to the notebook {@code uid} went through the proxy now. */
  void touched(String uid) {
    lastActivity.put(uid, clock.instant());
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
    lastActivity.put(uid, clock.instant());
  }

  /** The last activity seen of notebook {@code uid}, if any since this control plane started. */
  Optional<Instant> lastActivity(String uid) {
    return Optional.ofNullable(lastActivity.get(uid));
  }

  /**
   * Why notebook {@code uid} is to be stopped now, or empty while it is not idle for {@code
   * cullAfter} (zero: never culled). Call after {@link #polled} of this pass.
   */
  Optional<String> cullReason(String uid, Duration cullAfter) {
    Instant last = lastActivity.get(uid);
    if (cullAfter.isZero() || last == null) {
      return Optional.empty();
    }
    Duration idle = Duration.between(last, clock.instant());
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

  /** Forgets notebook {@code uid} (stopped or deleted). */
  void forget(String uid) {
    lastActivity.remove(uid);
  }
}
