package io.capstan.serving.gateway;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The replicas one request through the gateway tries: its track (stable or canary, chosen once),
 * the replicas already tried, the one it tries now, and how many attempts are left. Shared by the
 * HTTP and the gRPC exchange; used on one event loop, so without locks.
 */
final class Attempts {
  private final ServiceTarget target;
  private final int allowed;
  private final List<Upstream> track;
  private final Set<Upstream> tried = new HashSet<>(4);
  private Upstream current;
  private int made;

  /**
   * @param target the service, with at least one ready replica
   * @param allowed the most replicas one request tries
   */
  Attempts(ServiceTarget target, int allowed) {
    this.target = target;
    this.allowed = allowed;
    this.track = target.track(ThreadLocalRandom.current());
  }

  /**
   * The next replica to try, begun and made current; null when the attempts are used up or no
   * replica of the track is left untried.
   */
  Upstream next() {
    Upstream picked =
        made < allowed
            ? target.pick(track, tried, ThreadLocalRandom.current(), System.nanoTime())
            : null;
    if (picked == null) {
      return null;
    }
    made++;
    tried.add(picked);
    current = picked;
    picked.begin();
    return picked;
  }

  /** Whether another replica may still be tried. */
  boolean left() {
    return made < allowed;
  }

  /** The replica tried now, or null before the first. */
  Upstream current() {
    return current;
  }

  /** The version the request is counted against: the current replica's, else the stable one. */
  int version() {
    return current == null ? target.stableVersion() : current.version();
  }
}
