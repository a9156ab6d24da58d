package io.capstan.server.serving;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.identity.ProjectRole;
import io.capstan.server.identity.Access;
import io.capstan.server.identity.Authenticator;
import io.capstan.server.identity.Caller;
import io.capstan.server.identity.Revocations;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may send requests to a service through the gateway: any member of its project (viewers
 * included), authenticated by the same bearer tokens as the API. A service of a project the caller
 * is not in answers "not found", as the API does.
 *
 * <p>A granted (token, project, service) is remembered for {@code cacheFor} (default 5 s), so the
 * gateway does not ask the database three questions per inference. Every grant is forgotten at once
 * when access is taken away anywhere ({@link Revocations}: a token deleted, a member removed); a
 * deleted service loses its routes, so nothing is forwarded to it. Only a SHA-256 of the header is
 * kept, never the token itself. Refusals are never remembered.
 */
final class GatewayAccess {
  private static final int MAX_ENTRIES = 10_000;

  private final Authenticator authenticator;
  private final Access access;
  private final ServiceStore services;
  private final long cacheNanos;
  private final Revocations revocations;
  private final Map<String, Grant> granted = new ConcurrentHashMap<>();

  GatewayAccess(
      Authenticator authenticator,
      Access access,
      ServiceStore services,
      Revocations revocations,
      Duration cacheFor) {
    this.authenticator = authenticator;
    this.access = access;
    this.services = services;
    this.revocations = revocations;
    this.cacheNanos = cacheFor.toNanos();
  }

  /** A remembered grant: until when, and the revocation generation read before it was checked. */
  private record Grant(long untilNanos, long generation) {}

  /**
   * Checks the caller and that the service exists.
   *
   * @throws CapstanException UNAUTHENTICATED or NOT_FOUND
   */
  void check(String authorization, String project, String service) {
    long now = System.nanoTime();
    // Read before the checks: a revocation committed after this read moves the generation, so a
    // grant checked against the old state is never used after it.
    long generation = revocations.generation();
    String key = authorization == null ? null : key(authorization, project, service);
    if (key != null) {
      Grant grant = granted.get(key);
      if (grant != null && now - grant.untilNanos() < 0 && grant.generation() == generation) {
        return;
      }
    }
    Caller caller = authenticator.authenticate(authorization);
    try {
      access.requireProject(caller, project, ProjectRole.VIEWER);
    } catch (CapstanException e) {
      throw notFound(project, service);
    }
    if (services.find(project, service).isEmpty()) {
      throw notFound(project, service);
    }
    if (cacheNanos > 0) {
      if (granted.size() >= MAX_ENTRIES) {
        granted.clear();
      }
      granted.put(key, new Grant(now + cacheNanos, generation));
    }
  }

  private static String key(String authorization, String project, String service) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] digest =
          sha.digest(
              (authorization + "\0" + project + "\0" + service).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static CapstanException notFound(String project, String service) {
    return new CapstanException(
        ErrorCode.NOT_FOUND, "Service '" + service + "' not found in project '" + project + "'");
  }
}
