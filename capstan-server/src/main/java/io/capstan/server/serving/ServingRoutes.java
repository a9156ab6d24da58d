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
  private volatile Runnable onChange = () -> {};

  /** Runs {@code listener} after each change of the table (the gateway's snapshot loop wakes). */
  void onChange(Runnable listener) {
    this.onChange = listener;
  }

  /** Called after each full pass of the serving controller. */
  void passed() {
    if (!complete) {
      complete = true;
      onChange.run();
    }
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
    if (!route.equals(routes.put(key(project, service), route))) {
      onChange.run();
    }
  }

  void remove(String project, String service) {
    if (routes.remove(key(project, service)) != null) {
      onChange.run();
    }
  }

  /** Every published route, by {@code project/service}. */
  Map<String, Route> all() {
    return Map.copyOf(routes);
  }

  static String key(String project, String service) {
    return project + "/" + service;
  }
}
