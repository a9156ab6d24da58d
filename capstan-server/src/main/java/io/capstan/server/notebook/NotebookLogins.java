package io.capstan.server.notebook;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One-time login links to a notebook: the CLI asks for one with the user's token, the browser opens
 * it once, and the proxy exchanges it for a browser session of that user. A code is good for one
 * notebook, once, for a short time; codes live in memory only (a restart forgets them).
 */
final class NotebookLogins {
  /** The query parameter that carries a code. */
  static final String PARAMETER = "capstan-login";

  private final Clock clock;
  private final Duration lifetime;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();

  NotebookLogins(Clock clock, Duration lifetime) {
    this.clock = requireNonNull(clock, "clock is null");
    this.lifetime = requireNonNull(lifetime, "lifetime is null");
  }

  /** A code issued to {@code user} for notebook {@code path}. */
  private record Pending(String user, String path, Instant expiresAt) {}

  /** A code issued and when it expires. */
  record Issued(String code, Instant expiresAt) {
    @Override
    public String toString() {
      return "Issued[code=***, expiresAt=" + expiresAt + "]";
    }
  }

  /** Issues a code for {@code user} to open the notebook at {@code path}. */
  Issued issue(String user, String path) {
    Instant now = clock.instant();
    pending.values().removeIf(p -> !p.expiresAt().isAfter(now));
    byte[] bytes = new byte[24];
    random.nextBytes(bytes);
    String code = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Instant expires = now.plus(lifetime);
    pending.put(code, new Pending(user, path, expires));
    return new Issued(code, expires);
  }

  /** The user of {@code code} if it was issued for {@code path} and has not expired; used up. */
  Optional<String> redeem(String code, String path) {
    Pending found = code == null ? null : pending.remove(code);
    if (found == null
        || !found.path().equals(path)
        || !found.expiresAt().isAfter(clock.instant())) {
      return Optional.empty();
    }
    return Optional.of(found.user());
  }
}
