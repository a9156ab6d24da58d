package io.capstan.server.serving;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.identity.ProjectRole;
import io.capstan.server.identity.Access;
import io.capstan.server.identity.Authenticator;
import io.capstan.server.identity.Caller;
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
 * gateway does not ask the database three questions per inference; a deleted token or a removed
 * member loses access at most that long after. Only a SHA-256 of the header is kept, never the
 * token itself. Refusals are never remembered.
 */
final class GatewayAccess {
  private static final int MAX_ENTRIES = 10_000;

  private final Authenticator authenticator;
  private final Access access;
  private final ServiceStore services;
  private final long cacheNanos;
  private final Map<String, Long> granted = new ConcurrentHashMap<>();

  GatewayAccess(
      Authenticator authenticator, Access access, ServiceStore services, Duration cacheFor) {
    this.authenticator = authenticator;
    this.access = access;
    this.services = services;
    this.cacheNanos = cacheFor.toNanos();
  }

  /**
   * Checks the caller and that the service exists.
   *
   * @throws CapstanException UNAUTHENTICATED or NOT_FOUND
   */
  void check(String authorization, String project, String service) {
    long now = System.nanoTime();
    String key = authorization == null ? null : key(authorization, project, service);
    if (key != null) {
      Long until = granted.get(key);
      if (until != null && now - until < 0) {
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
      granted.put(key, now + cacheNanos);
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
