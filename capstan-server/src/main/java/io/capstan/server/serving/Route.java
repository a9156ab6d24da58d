package io.capstan.server.serving;

import java.util.List;

/**
 * Where one service's requests go now, as the serving controller publishes it for the gateway: the
 * ready replicas of the stable track (including, during a rollout, those of the version being
 * replaced) and of the canary, and the canary's share.
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
}
