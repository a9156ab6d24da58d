package io.capstan.server.identity;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Sessions that a sign-in through the identity provider starts: the browser's {@code
 * capstan_session} cookie and the token {@code capstan login --oidc} saves. A session's secret is
 * {@code capsess_} and 32 random bytes in base64url; only its SHA-256 is stored, with its expiry.
 * After the expiry the secret is refused and the row is swept on a later sign-in.
 */
public final class SessionStore {
  static final String PREFIX = "capsess_";

  private final JdbcClient jdbc;
  private final Clock clock;
  private final Revocations revocations;
  private final SecureRandom random = new SecureRandom();

  public SessionStore(JdbcClient jdbc, Clock clock, Revocations revocations) {
    this.jdbc = requireNonNull(jdbc, "jdbc is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.revocations = requireNonNull(revocations, "revocations is null");
  }

  /** Where a session is used: the browser (cookie) or the CLI (bearer token). */
  public enum Client {
    BROWSER,
    CLI;

    String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * A new session's secret (shown once) and expiry.
   *
   * @param secret the bearer secret; never logged
   */
  public record Started(String user, String secret, Instant expiresAt) {
    public Started {
      requireNonNull(user, "user is null");
      requireNonNull(secret, "secret is null");
      requireNonNull(expiresAt, "expiresAt is null");
    }

    @Override
    public String toString() {
      return "Started[user=" + user + ", secret=***, expiresAt=" + expiresAt + "]";
    }
  }

  /** Starts a session of {@code user} that ends after {@code lifetime}; sweeps expired ones. */
  public Started start(String user, Client client, Duration lifetime) {
    long now = clock.millis();
    jdbc.sql("delete from sessions where expires_at <= ?").param(now).update();
    String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(32));
    long expires = now + lifetime.toMillis();
    jdbc.sql(
            "insert into sessions (id, user_name, client, token_hash, created_at, expires_at)"
                + " values (?, ?, ?, ?, ?, ?)")
        .params(
            HexFormat.of().formatHex(bytes(8)),
            user,
            client.wireName(),
            TokenStore.hash(secret),
            now,
            expires)
        .update();
    return new Started(user, secret, Instant.ofEpochMilli(expires));
  }

  /** The user of a live session, or empty when the secret is no session's or it has expired. */
  public Optional<String> authenticate(String secret) {
    if (secret == null || !secret.startsWith(PREFIX)) {
      return Optional.empty();
    }
    return jdbc.sql("select user_name from sessions where token_hash = ? and expires_at > ?")
        .params(TokenStore.hash(secret), clock.millis())
        .query(String.class)
        .optional();
  }

  /** Ends a session (sign-out); false when the secret was no session's. */
  public boolean end(String secret) {
    if (secret == null || !secret.startsWith(PREFIX)) {
      return false;
    }
    int deleted =
        jdbc.sql("delete from sessions where token_hash = ?")
            .param(TokenStore.hash(secret))
            .update();
    if (deleted > 0) {
      revocations.revoked();
    }
    return deleted > 0;
  }

  private byte[] bytes(int count) {
    byte[] bytes = new byte[count];
    random.nextBytes(bytes);
    return bytes;
  }
}
