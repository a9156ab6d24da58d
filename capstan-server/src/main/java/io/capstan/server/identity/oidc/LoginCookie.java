package io.capstan.server.identity.oidc;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * A browser sign-in between {@code /auth/login} and {@code /auth/callback}, kept in the browser's
 * HttpOnly cookie {@code capstan_login} rather than on the server: its state, the nonce and PKCE
 * verifier to check the provider's answer with, where to go afterwards, and until when it may
 * finish. The callback must carry the cookie's state, so a callback URL sent to another browser
 * (which has no such cookie) cannot sign that browser in as the URL's author (login CSRF). Nothing
 * is kept on the server, so a flood of {@code /auth/login} costs it no memory, and several servers
 * behind one name need no sticky sessions.
 *
 * @param state sent to the provider, which returns it in the callback
 * @param nonce sent to the provider, which puts it in the ID token
 * @param verifier the PKCE verifier, sent with the code
 * @param expiresAt after this the callback is refused
 * @param returnTo the path to go to after the sign-in
 */
record LoginCookie(
    String state, String nonce, String verifier, Instant expiresAt, String returnTo) {
  static final String NAME = "capstan_login";
  static final Duration LIFETIME = Duration.ofMinutes(10);
  private static final String VERSION = "1";
  private static final int MAX_ENCODED = 3000;

  LoginCookie {
    requireNonNull(state, "state is null");
    requireNonNull(nonce, "nonce is null");
    requireNonNull(verifier, "verifier is null");
    requireNonNull(expiresAt, "expiresAt is null");
    requireNonNull(returnTo, "returnTo is null");
  }

  /** The cookie's value: base64url of the fields, the return path last (it may contain '|'). */
  String encode() {
    String plain =
        String.join(
            "|",
            VERSION,
            state,
            nonce,
            verifier,
            Long.toString(expiresAt.getEpochSecond()),
            returnTo);
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  /** The sign-in in a cookie's value; empty when it is missing or not one of ours. */
  static Optional<LoginCookie> decode(String value) {
    if (value == null || value.isEmpty() || value.length() > MAX_ENCODED) {
      return Optional.empty();
    }
    String plain;
    try {
      plain = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    String[] parts = plain.split("\\|", 6);
    if (parts.length != 6 || !parts[0].equals(VERSION)) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new LoginCookie(
              parts[1],
              parts[2],
              parts[3],
              Instant.ofEpochSecond(Long.parseLong(parts[4])),
              parts[5]));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Never shows the verifier or the nonce. */
  @Override
  public String toString() {
    return "LoginCookie[expiresAt=" + expiresAt + ", returnTo=" + returnTo + "]";
  }
}
