package io.capstan.serving.gateway;

import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Where one service's requests go now: the ready replicas of the stable track (including, during a
 * rollout, those of the version being replaced) and of the canary, and the canary's share.
 *
 * @param project the service's project
 * @param service its name
 * @param stableVersion the version failures without a replica are counted against (0: none yet)
 * @param canaryPercent share of requests for the canary, 0 to 100 (100: every request, while a
 *     canary replica is ready)
 * @param stable ready replicas answering stable traffic
 * @param canary ready replicas of the canary version
 */
record ServiceTarget(
    String project,
    String service,
    int stableVersion,
    int canaryPercent,
    List<Upstream> stable,
    List<Upstream> canary) {
  ServiceTarget {
    stable = List.copyOf(stable);
    canary = List.copyOf(canary);
  }

  boolean isEmpty() {
    return stable.isEmpty() && canary.isEmpty();
  }

  /**
   * The track for one request: the canary with its share, else stable; the other if one is empty.
   */
  List<Upstream> track(RandomGenerator random) {
    boolean toCanary = canaryPercent > 0 && random.nextInt(100) < canaryPercent;
    List<Upstream> chosen = toCanary ? canary : stable;
    return chosen.isEmpty() ? (toCanary ? stable : canary) : chosen;
  }

  /**
   * Picks a replica of {@code track} not in {@code tried}: the less loaded of two random healthy
   * ones ("power of two choices"); falls back to unhealthy ones, then to the other track; null when
   * every replica was tried.
   */
  Upstream pick(List<Upstream> track, Set<Upstream> tried, RandomGenerator random, long nowNanos) {
    Upstream found = pickFrom(track, tried, random, nowNanos, true);
    if (found == null) {
      found = pickFrom(track, tried, random, nowNanos, false);
    }
    if (found == null) {
      List<Upstream> other = track == stable ? canary : stable;
      found = pickFrom(other, tried, random, nowNanos, false);
    }
    return found;
  }

  private static Upstream pickFrom(
      List<Upstream> upstreams,
      Set<Upstream> tried,
      RandomGenerator random,
      long nowNanos,
      boolean healthyOnly) {
    Upstream first = null;
    Upstream second = null;
    int seen = 0;
    for (Upstream upstream : upstreams) {
      if (tried.contains(upstream) || (healthyOnly && !upstream.healthy(nowNanos))) {
        continue;
      }
      seen++;
      // Reservoir sampling of two distinct candidates in one pass.
      if (first == null) {
        first = upstream;
      } else if (second == null) {
        second = upstream;
      } else if (random.nextInt(seen) < 2) {
        if (random.nextBoolean()) {
          first = upstream;
        } else {
          second = upstream;
        }
      }
    }
    if (second == null) {
      return first;
    }
    return second.inFlight() < first.inFlight() ? second : first;
  }
}
