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
    String secret = header.substring(SCHEME.length()).trim();
    return caller(tokens.authenticate(secret).or(() -> sessions.authenticate(secret)));
  }

  /**
   * The caller of the browser's session cookie: a sign-in session only, never an API token.
   *
   * @throws CapstanException UNAUTHENTICATED, with a message that never repeats the secret
   */
  public Caller sessionCookie(String secret) {
    return caller(sessions.authenticate(secret));
  }

  private Caller caller(Optional<String> user) {
    Optional<Caller> caller =
        user.flatMap(users::find).map(found -> new Caller(found.name(), found.admin()));
    // Never echo the token: it may be a real secret pasted into the wrong place.
    return caller.orElseThrow(
        () ->
            unauthenticated(
                "Expected a valid API token or sign-in session, but the token is unknown, expired"
                    + " or was deleted"));
  }

  private static CapstanException unauthenticated(String message) {
    return new CapstanException(ErrorCode.UNAUTHENTICATED, message);
  }
}
