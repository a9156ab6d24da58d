package io.capstan.serving.gateway;

import io.capstan.api.gateway.GatewaySnapshot;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One snapshot from the control plane compiled for lookups: services by project and name, grants by
 * the SHA-256 of the token. Immutable; the gateway swaps the whole table when a new snapshot
 * arrives, and every request reads the table that was current when it started.
 */
final class RoutingTable {
  static final RoutingTable EMPTY = new RoutingTable("none", Map.of(), Map.of());

  private static final String SCHEME = "Bearer ";
  private static final HexFormat HEX = HexFormat.of();

  /** One digest per thread, reused (digest() resets it): looked up once, not per request. */
  private static final FastThreadLocal<MessageDigest> SHA_256 =
      new FastThreadLocal<>() {
        @Override
        protected MessageDigest initialValue() {
          try {
            return MessageDigest.getInstance("SHA-256");
          } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(
                "Expected the JDK to provide SHA-256, but it did not", e);
          }
        }
      };

  private final String version;
  private final Map<String, ServiceTarget> services;
  private final Map<String, Grant> grants;

  private RoutingTable(
      String version, Map<String, ServiceTarget> services, Map<String, Grant> grants) {
    this.version = version;
    this.services = services;
    this.grants = grants;
  }

  /** What a token may call. */
  private record Grant(boolean admin, Set<String> projects) {}

  /** The outcome of an access check: the service, or the status and message to refuse with. */
  record Decision(ServiceTarget target, int httpStatus, String message) {
    boolean allowed() {
      return target != null;
    }
  }

  /**
   * Compiles {@code snapshot}, keeping the {@link Upstream}s of {@code previous} that are the same
   * replica (so their in-flight counts carry over).
   */
  static RoutingTable of(GatewaySnapshot snapshot, RoutingTable previous) {
    Map<GatewaySnapshot.Backend, Upstream> known = new HashMap<>();
    for (ServiceTarget target : previous.services.values()) {
      target.stable().forEach(u -> known.put(u.backend(), u));
      target.canary().forEach(u -> known.put(u.backend(), u));
    }
    Map<String, ServiceTarget> services = new HashMap<>();
    for (GatewaySnapshot.Service service : snapshot.services()) {
      services.put(
          key(service.project(), service.name()),
          new ServiceTarget(
              service.project(),
              service.name(),
              service.stableVersion() == null ? 0 : service.stableVersion(),
              service.canaryPercent(),
              upstreams(service.stable(), known),
              upstreams(service.canary(), known)));
    }
    Map<String, Grant> grants = new HashMap<>();
    for (GatewaySnapshot.Grant grant : snapshot.grants()) {
      grants.put(grant.tokenSha256(), new Grant(grant.admin(), Set.copyOf(grant.projects())));
    }
    return new RoutingTable(snapshot.version(), Map.copyOf(services), Map.copyOf(grants));
  }

  private static List<Upstream> upstreams(
      List<GatewaySnapshot.Backend> backends, Map<GatewaySnapshot.Backend, Upstream> known) {
    List<Upstream> upstreams = new ArrayList<>(backends.size());
    for (GatewaySnapshot.Backend backend : backends) {
      upstreams.add(known.computeIfAbsent(backend, Upstream::new));
    }
    return upstreams;
  }

  String version() {
    return version;
  }

  /**
   * Who may call {@code project}/{@code service}: a token of a member of the project (any role) or
   * of an installation admin. A service of a project the caller is not in answers "not found", as
   * the API does; only the SHA-256 of the token is compared, never the token.
   *
   * @param authorization the {@code Authorization} header or metadata, or null
   */
  Decision authorize(String authorization, String project, String service) {
    if (authorization == null || authorization.isBlank()) {
      return refuse(
          401, "Expected an 'Authorization: Bearer <token>' header, but the request had none");
    }
    if (!authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      int space = authorization.indexOf(' ');
      return refuse(
          401,
          "Expected an 'Authorization: Bearer <token>' header, but its scheme was '"
              + (space < 0 ? authorization : authorization.substring(0, space))
              + "'");
    }
    Grant grant = grants.get(sha256(authorization.substring(SCHEME.length()).trim()));
    if (grant == null) {
      return refuse(
          401, "Expected a valid API token, but the bearer token is unknown or was deleted");
    }
    ServiceTarget target = services.get(key(project, service));
    if (target == null || !(grant.admin() || grant.projects().contains(project))) {
      return refuse(404, "Service '" + service + "' not found in project '" + project + "'");
    }
    return new Decision(target, 200, null);
  }

  /** Every replica in the table, for the load report. */
  Set<Upstream> upstreams() {
    Set<Upstream> all = new HashSet<>();
    services
        .values()
        .forEach(
            t -> {
              all.addAll(t.stable());
              all.addAll(t.canary());
            });
    return all;
  }

  private static Decision refuse(int status, String message) {
    return new Decision(null, status, message);
  }

  private static String key(String project, String service) {
    return project + "/" + service;
  }

  static String sha256(String secret) {
    return HEX.formatHex(SHA_256.get().digest(secret.getBytes(StandardCharsets.UTF_8)));
  }
}
