package io.capstan.server.serving;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's routing table: one {@link Route} per service, replaced whole by the serving
 * controller after every pass, read by every request without locking.
 */
final class ServingRoutes {
  private final Map<String, Route> routes = new ConcurrentHashMap<>();
  private volatile boolean complete;

  /** Called after each full pass of the serving controller. */
  void passed() {
    complete = true;
  }

  /**
   * Whether every service's route has been published since this control plane started: before the
   * first pass (replicas not probed yet) the table would send the gateway empty routes.
   */
  boolean complete() {
    return complete;
  }

  Route find(String project, String service) {
    return routes.getOrDefault(key(project, service), Route.EMPTY);
  }

  void put(String project, String service, Route route) {
    routes.put(key(project, service), route);
  }

  void remove(String project, String service) {
    routes.remove(key(project, service));
  }

  /** Every published route, by {@code project/service}. */
  Map<String, Route> all() {
    return Map.copyOf(routes);
  }

  static String key(String project, String service) {
    return project + "/" + service;
  }
}
