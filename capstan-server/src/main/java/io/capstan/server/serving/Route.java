package io.capstan.server.serving;

import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Where one service's requests go now: the ready replicas of the stable track (including, during a
 * rollout, those of the version being replaced) and of the canary, and the canary's share.
 *
 * @param canaryPercent share of requests for the canary, 0 to 100: at 0 the canary runs but answers
 *     only when no stable replica is ready, at 100 it answers everything while one is ready
 * @param stable ready replicas answering stable traffic
 * @param canary ready replicas of the canary version
 */
record Route(int canaryPercent, List<Backend> stable, List<Backend> canary) {
  static final Route EMPTY = new Route(0, List.of(), List.of());

  Route {
    stable = List.copyOf(stable);
    canary = List.copyOf(canary);
  }

  boolean isEmpty() {
    return stable.isEmpty() && canary.isEmpty();
  }

  /**
   * The track for one request: the canary with its share, else stable; the other if one is empty.
   */
  List<Backend> track(RandomGenerator random) {
    boolean toCanary = canaryPercent > 0 && random.nextInt(100) < canaryPercent;
    List<Backend> chosen = toCanary ? canary : stable;
    return chosen.isEmpty() ? (toCanary ? stable : canary) : chosen;
  }

  /**
   * Picks a replica of {@code track} not in {@code tried}: the less loaded of two random healthy
   * ones ("power of two choices"); falls back to unhealthy ones, then to the other track; null when
   * every replica was tried.
   */
  Backend pick(List<Backend> track, Set<Backend> tried, RandomGenerator random, long nowNanos) {
    Backend found = pickFrom(track, tried, random, nowNanos, true);
    if (found == null) {
      found = pickFrom(track, tried, random, nowNanos, false);
    }
    if (found == null) {
      List<Backend> other = track == stable ? canary : stable;
      found = pickFrom(other, tried, random, nowNanos, false);
    }
    return found;
  }

  private static Backend pickFrom(
      List<Backend> backends,
      Set<Backend> tried,
      RandomGenerator random,
      long nowNanos,
      boolean healthyOnly) {
    Backend first = null;
    Backend second = null;
    int seen = 0;
    for (Backend backend : backends) {
      if (tried.contains(backend) || (healthyOnly && !backend.healthy(nowNanos))) {
        continue;
      }
      seen++;
      // Reservoir sampling of two distinct candidates in one pass.
      if (first == null) {
        first = backend;
      } else if (second == null) {
        second = backend;
      } else if (random.nextInt(seen) < 2) {
        if (random.nextBoolean()) {
          first = backend;
        } else {
          second = backend;
        }
      }
    }
    if (second == null) {
      return first;
    }
    return second.inFlight() < first.inFlight() ? second : first;
  }
}
