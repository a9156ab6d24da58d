package io.capstan.server.identity;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import java.util.Optional;

/**
 * Turns an {@code Authorization: Bearer <token>} header into the {@link Caller}: for the REST API's
 * filter and for the serving gateway's HTTP and gRPC endpoints alike. The token is an API token or
 * the secret of a live sign-in session ({@link SessionStore}).
 */
public final class Authenticator {
  private static final String SCHEME = "Bearer ";

  private final TokenStore tokens;
  private final SessionStore sessions;
  private final UserStore users;

  public Authenticator(TokenStore tokens, SessionStore sessions, UserStore users) {
    this.tokens = requireNonNull(tokens, "tokens is null");
    this.sessions = requireNonNull(sessions, "sessions is null");
    this.users = requireNonNull(users, "users is null");
  }

  /**
   * The caller the header names.
   *
   * @throws CapstanException UNAUTHENTICATED, with a message that never repeats the token
   */
  public Caller authenticate(String header) {
    if (header == null || header.isBlank()) {
      throw unauthenticated(
          "Expected an 'Authorization: Bearer <token>' header, but the request had none");
    }
    if (!header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      int space = header.indexOf(' ');
      throw unauthenticated(
          "Expected an 'Authorization: Bearer <token>' header, but its scheme was '"
              + (space < 0 ? header : header.substring(0, space))
              + "'");
    }
    return secret(header.substring(SCHEME.length()).trim());
  }

  /**
   * The caller of an API token or session secret (the browser's session cookie).
   *
   * @throws CapstanException UNAUTHENTICATED, with a message that never repeats the secret
   */
  public Caller secret(String secret) {
    Optional<Caller> caller =
        tokens
            .authenticate(secret)
            .or(() -> sessions.authenticate(secret))
            .flatMap(users::find)
            .map(user -> new Caller(user.name(), user.admin()));
    // Never echo the token: it may be a real secret pasted into the wrong place.
    return caller.orElseThrow(
        () ->
            unauthenticated(
                "Expected a valid API token or sign-in session, but the bearer token is unknown,"
                    + " expired or was deleted"));
  }

  private static CapstanException unauthenticated(String message) {
    return new CapstanException(ErrorCode.UNAUTHENTICATED, message);
  }
}
