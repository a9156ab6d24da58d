package io.capstan.server.identity;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.identity.TokenView;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * API tokens in the database. A token's secret is {@code cap_} and 32 random bytes in base64url;
 * only its SHA-256 is stored, and the secret is returned once, by {@link #create}. Secrets are
 * never logged.
 */
public final class TokenStore {
  static final String PREFIX = "cap_";

  /** {@code last_used_at} is written at most this often per token, not on every request. */
  private static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

  private final JdbcClient jdbc;
  private final Clock clock;
  private final Revocations revocations;
  private final SecureRandom random = new SecureRandom();

  public TokenStore(JdbcClient jdbc, Clock clock, Revocations revocations) {
    this.jdbc = requireNonNull(jdbc, "jdbc is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.revocations = requireNonNull(revocations, "revocations is null");
  }

  /** Creates a token for an existing user; the answer is the only place its secret appears. */
  public TokenView create(String user, String name) {
    return insert(
        user, name, PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(32)));
  }

  /**
   * Creates a token whose secret the operator chose ({@code CAPSTAN_ADMIN_TOKEN}, for the first
   * admin of an installation on Kubernetes); refused unless it looks like a generated one.
   */
  TokenView createGiven(String user, String name, String secret) {
    if (!secret.startsWith(PREFIX) || secret.length() < PREFIX.length() + 32) {
      throw new IllegalStateException(
          "Expected CAPSTAN_ADMIN_TOKEN to be '"
              + PREFIX
              + "' and at least 32 more characters (echo cap_$(head -c 32 /dev/urandom | base64"
              + " | tr '+/' '-_' | tr -d '=')), but it is not");
    }
    return insert(user, name, secret);
  }

  private TokenView insert(String user, String name, String secret) {
    String id = HexFormat.of().formatHex(bytes(8));
    long now = clock.millis();
    jdbc.sql(
            "insert into tokens (id, user_name, name, token_hash, created_at) values (?, ?, ?, ?,"
                + " ?)")
        .params(id, user, name, hash(secret), now)
        .update();
    return new TokenView(id, user, name, Instant.ofEpochMilli(now), secret);
  }

  /** The tokens of {@code user}, oldest first, without their secrets. */
  public List<TokenView> list(String user) {
    return jdbc.sql(
            "select id, user_name, name, created_at from tokens where user_name = ?"
                + " order by created_at, id")
        .param(user)
        .query(TokenStore::token)
        .list();
  }

  /** Deletes a token of {@code user}; NOT_FOUND when {@code user} has no token {@code id}. */
  public void delete(String user, String id) {
    int deleted =
        jdbc.sql("delete from tokens where id = ? and user_name = ?").params(id, user).update();
    if (deleted == 0) {
      throw CapstanException.notFound("Token '" + id + "' of user '" + user + "' not found");
    }
    revocations.revoked();
  }

  /** The user a secret belongs to, or empty when it is no token's secret. */
  public Optional<String> authenticate(String secret) {
    if (secret == null || !secret.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String hash = hash(secret);
    Optional<String> user =
        jdbc.sql("select user_name from tokens where token_hash = ?")
            .param(hash)
            .query(String.class)
            .optional();
    if (user.isPresent()) {
      long now = clock.millis();
      jdbc.sql(
              "update tokens set last_used_at = ? where token_hash = ?"
                  + " and (last_used_at is null or last_used_at < ?)")
          .params(now, hash, now - LAST_USED_RESOLUTION.toMillis())
          .update();
    }
    return user;
  }

  /** When a token was last used (to a resolution of a minute), or empty if never. */
  public Optional<Instant> lastUsed(String id) {
    return jdbc.sql("select last_used_at from tokens where id = ? and last_used_at is not null")
        .param(id)
        .query(Long.class)
        .optional()
        .map(Instant::ofEpochMilli);
  }

  static String hash(String secret) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Expected the JDK to provide SHA-256, but it did not", e);
    }
  }

  private byte[] bytes(int count) {
    byte[] bytes = new byte[count];
    random.nextBytes(bytes);
    return bytes;
  }

  private static TokenView token(ResultSet rs, int row) throws SQLException {
    return new TokenView(
        rs.getString("id"),
        rs.getString("user_name"),
        rs.getString("name"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        null);
  }
}
