package io.capstan.server.serving;

import io.capstan.api.gateway.GatewaySnapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The snapshot the serving gateway serves with: every service with the routes the serving
 * controller published (and each replica's secret), and every API token's grant, read from the
 * identity tables. Rebuilt every half second by its own loop; a snapshot whose content changed gets
 * the next version and is handed at once to the gateway's waiting long-poll; a change of the routes
 * wakes the loop at once. So a route change reaches the gateway within one controller pass, and a
 * deleted token or removed member loses access at the gateway within about half a second.
 */
final class GatewaySnapshots {
  private final ServiceStore services;
  private final ServingRoutes routes;
  private final ReplicaSecrets secrets;
  private final JdbcClient jdbc;
  private final String epoch = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
  private final List<Consumer<GatewaySnapshot>> waiting = new ArrayList<>();
  private long counter;
  private GatewaySnapshot current;

  GatewaySnapshots(
      ServiceStore services, ServingRoutes routes, ReplicaSecrets secrets, JdbcClient jdbc) {
    this.services = services;
    this.routes = routes;
    this.secrets = secrets;
    this.jdbc = jdbc;
  }

  /** Builds the snapshot again; a changed one gets a new version and goes to the waiting polls. */
  void refresh() {
    if (!routes.complete()) {
      // A gateway that outlived the last control plane keeps its snapshot until this one has
      // probed the replicas once; an empty route now would fail its requests.
      return;
    }
    GatewaySnapshot built = new GatewaySnapshot("", services(), grants());
    List<Consumer<GatewaySnapshot>> wake;
    GatewaySnapshot published;
    synchronized (this) {
      if (current != null
          && current.services().equals(built.services())
          && current.grants().equals(built.grants())) {
        return;
      }
      counter++;
      current = new GatewaySnapshot(epoch + "-" + counter, built.services(), built.grants());
      published = current;
      wake = List.copyOf(waiting);
      waiting.clear();
    }
    wake.forEach(w -> w.accept(published));
  }

  /**
   * Hands {@code answer} the first snapshot whose version is not {@code after}: now, or when one is
   * published. Returns a handle that withdraws the wait (for a poll that timed out).
   */
  Runnable await(String after, Consumer<GatewaySnapshot> answer) {
    GatewaySnapshot now;
    synchronized (this) {
      now = current;
      if (now == null || now.version().equals(after)) {
        waiting.add(answer);
        return () -> {
          synchronized (this) {
            waiting.remove(answer);
          }
        };
      }
    }
    answer.accept(now);
    return () -> {};
  }

  private List<GatewaySnapshot.Service> services() {
    Map<String, Route> published = routes.all();
    List<GatewaySnapshot.Service> out = new ArrayList<>();
    for (ServiceRecord service : services.listAll()) {
      Route route =
          published.getOrDefault(ServingRoutes.key(service.project(), service.name()), Route.EMPTY);
      out.add(
          new GatewaySnapshot.Service(
              service.project(),
              service.name(),
              service.stableVersion(),
              route == Route.EMPTY ? service.canaryPercent() : route.canaryPercent(),
              backends(route.stable()),
              backends(route.canary())));
    }
    out.sort(
        Comparator.comparing(GatewaySnapshot.Service::project)
            .thenComparing(GatewaySnapshot.Service::name));
    return out;
  }

  private List<GatewaySnapshot.Backend> backends(List<Backend> backends) {
    List<GatewaySnapshot.Backend> out = new ArrayList<>(backends.size());
    for (Backend backend : backends) {
      out.add(
          new GatewaySnapshot.Backend(
              backend.jobUid(),
              backend.version(),
              backend.http().getHost(),
              backend.http().getPort(),
              backend.grpcPort(),
              secrets.secret(backend.jobUid())));
    }
    return out;
  }

  /** Every token: its hash, whether its user is an installation admin, the user's projects. */
  private List<GatewaySnapshot.Grant> grants() {
    record Row(String hash, boolean admin, String project) {}
    List<Row> rows =
        jdbc.sql(
                "select t.token_hash, u.admin, m.project from tokens t"
                    + " join users u on u.name = t.user_name"
                    + " left join memberships m on m.user_name = t.user_name")
            .query((rs, n) -> new Row(rs.getString(1).trim(), rs.getBoolean(2), rs.getString(3)))
            .list();
    Map<String, Boolean> admin = new LinkedHashMap<>();
    Map<String, TreeSet<String>> projects = new TreeMap<>();
    for (Row row : rows) {
      admin.put(row.hash(), row.admin());
      TreeSet<String> of = projects.computeIfAbsent(row.hash(), h -> new TreeSet<>());
      if (row.project() != null) {
        of.add(row.project());
      }
    }
    List<GatewaySnapshot.Grant> out = new ArrayList<>();
    projects.forEach(
        (hash, names) ->
            out.add(new GatewaySnapshot.Grant(hash, admin.get(hash), List.copyOf(names))));
    return out;
  }
}
