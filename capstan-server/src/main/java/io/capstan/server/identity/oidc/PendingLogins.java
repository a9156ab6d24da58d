package io.capstan.server.identity.oidc;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.identity.Pkce;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Browser sign-ins between {@code /auth/login} and {@code /auth/callback}, by their state: the
 * nonce and PKCE verifier to check the answer with, and the hash of the {@code capstan_login}
 * cookie that binds the sign-in to the browser that started it (so a callback URL sent to someone
 * else cannot sign them in as its author). Kept in memory for ten minutes: a server restart in
 * between makes the user sign in again.
 */
final class PendingLogins {
  static final Duration LIFETIME = Duration.ofMinutes(10);
  private static final int MAX_PENDING = 10_000;

  private final Clock clock;
  private final Map<String, Pending> byState = new ConcurrentHashMap<>();

  /** One sign-in in progress. */
  record Pending(
      String bindingHash,
      String nonce,
      Pkce pkce,
      URI redirectUri,
      String returnTo,
      Instant expiresAt) {
    Pending {
      requireNonNull(bindingHash, "bindingHash is null");
      requireNonNull(nonce, "nonce is null");
      requireNonNull(pkce, "pkce is null");
      requireNonNull(redirectUri, "redirectUri is null");
      requireNonNull(returnTo, "returnTo is null");
      requireNonNull(expiresAt, "expiresAt is null");
    }
  }

  PendingLogins(Clock clock) {
    this.clock = requireNonNull(clock, "clock is null");
  }

  Instant expiry() {
    return clock.instant().plus(LIFETIME);
  }

  /** Remembers a sign-in; returns its state. */
  String put(Pending pending) {
    if (byState.size() >= MAX_PENDING) {
      Instant now = clock.instant();
      byState.values().removeIf(p -> !p.expiresAt().isAfter(now));
      if (byState.size() >= MAX_PENDING) {
        throw new CapstanException(
            ErrorCode.UNAVAILABLE,
            "Expected fewer than " + MAX_PENDING + " sign-ins in progress; try again in a minute");
      }
    }
    String state = Pkce.random();
    byState.put(state, pending);
    return state;
  }

  /** The sign-in of {@code state}, removed (a state is used once); empty when unknown or old. */
  Optional<Pending> take(String state) {
    if (state == null) {
      return Optional.empty();
    }
    Pending pending = byState.remove(state);
    return pending == null || !pending.expiresAt().isAfter(clock.instant())
        ? Optional.empty()
        : Optional.of(pending);
  }
}
