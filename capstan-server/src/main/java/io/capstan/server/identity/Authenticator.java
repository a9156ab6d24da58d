package io.capstan.server.identity;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import java.util.Optional;

/**
 * Turns an {@code Authorization: Bearer <token>} header into the {@link Caller}: for the REST API's
 * filter and for the serving gateway's HTTP and gRPC endpoints alike.
 */
public final class Authenticator {
  private static final String SCHEME = "Bearer ";

  private final TokenStore tokens;
  private final UserStore users;

  public Authenticator(TokenStore tokens, UserStore users) {
    this.tokens = requireNonNull(tokens, "tokens is null");
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
    Optional<Caller> caller =
        tokens
            .authenticate(header.substring(SCHEME.length()).trim())
            .flatMap(users::find)
            .map(user -> new Caller(user.name(), user.admin()));
    // Never echo the token: it may be a real secret pasted into the wrong place.
    return caller.orElseThrow(
        () ->
            unauthenticated(
                "Expected a valid API token, but the bearer token is unknown or was deleted"));
  }

  private static CapstanException unauthenticated(String message) {
    return new CapstanException(ErrorCode.UNAUTHENTICATED, message);
  }
}
