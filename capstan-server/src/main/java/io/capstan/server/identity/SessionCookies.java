package io.capstan.server.identity;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Set;
import org.springframework.http.ResponseCookie;

/**
 * The browser session's cookies and its guard against cross-site request forgery. {@code
 * capstan_session} holds the session secret (HttpOnly, SameSite=Lax, Secure over HTTPS). A
 * state-changing request that the cookie authenticates must carry the header {@code X-Capstan-CSRF}
 * with the value of the readable cookie {@code capstan_csrf}, which is derived from the session
 * secret: another site can neither read that cookie nor send a custom header with the user's
 * cookies, and a cookie planted by a sibling domain does not match a session it does not know.
 */
public final class SessionCookies {
  public static final String SESSION = "capstan_session";
  public static final String CSRF = "capstan_csrf";
  public static final String CSRF_HEADER = "X-Capstan-CSRF";

  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

  private SessionCookies() {}

  /** The value of the request's cookie {@code name}, or null. */
  public static String value(HttpServletRequest request, String name) {
    Cookie[] cookies = request.getCookies();
    if (cookies == null) {
      return null;
    }
    for (Cookie cookie : cookies) {
      if (cookie.getName().equals(name) && !cookie.getValue().isBlank()) {
        return cookie.getValue();
      }
    }
    return null;
  }

  /** The CSRF token of a session: not the secret, and not enough to find it. */
  public static String csrfToken(String sessionSecret) {
    return TokenStore.hash("capstan-csrf:" + sessionSecret);
  }

  /**
   * Passes a safe method, or one whose {@code X-Capstan-CSRF} header matches the session;
   * PERMISSION_DENIED otherwise.
   */
  public static void requireCsrf(HttpServletRequest request, String sessionSecret) {
    if (SAFE_METHODS.contains(request.getMethod())) {
      return;
    }
    String header = request.getHeader(CSRF_HEADER);
    if (header == null
        || !MessageDigest.isEqual(
            header.getBytes(StandardCharsets.UTF_8),
            csrfToken(sessionSecret).getBytes(StandardCharsets.UTF_8))) {
      throw new CapstanException(
          ErrorCode.PERMISSION_DENIED,
          CSRF_HEADER,
          "Expected header "
              + CSRF_HEADER
              + " with the value of the "
              + CSRF
              + " cookie on a "
              + request.getMethod()
              + " authenticated by the session cookie, but it was "
              + (header == null ? "missing" : "a different value"));
    }
  }

  /** The two Set-Cookie headers that start a browser session. */
  public static String[] start(String sessionSecret, Duration lifetime, boolean secure) {
    return new String[] {
      cookie(SESSION, sessionSecret, lifetime, secure, true),
      cookie(CSRF, csrfToken(sessionSecret), lifetime, secure, false)
    };
  }

  /** The two Set-Cookie headers that end it. */
  public static String[] end(boolean secure) {
    return new String[] {
      cookie(SESSION, "", Duration.ZERO, secure, true),
      cookie(CSRF, "", Duration.ZERO, secure, false)
    };
  }

  /** One Set-Cookie header: Path=/, SameSite=Lax, Secure over HTTPS. */
  public static String cookie(
      String name, String value, Duration maxAge, boolean secure, boolean httpOnly) {
    return ResponseCookie.from(name, value)
        .path("/")
        .httpOnly(httpOnly)
        .secure(secure)
        .sameSite("Lax")
        .maxAge(maxAge)
        .build()
        .toString();
  }
}
