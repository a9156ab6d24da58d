package io.capstan.server.identity;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The web console's sign-in with an API token ({@link ApiPaths#AUTH_SESSION}): the token, sent once
 * as a bearer header, becomes a browser session in the cookies of {@link SessionCookies}, so the
 * page never keeps the token. Sign-out is the OIDC sign-in's {@code /auth/logout}.
 */
@RestController
public class BrowserSessionController {
  private final SessionStore sessions;
  private final Duration lifetime;

  BrowserSessionController(
      SessionStore sessions, @Value("${capstan.oidc.session-lifetime:PT12H}") Duration lifetime) {
    this.sessions = requireNonNull(sessions, "sessions is null");
    this.lifetime = requireNonNull(lifetime, "lifetime is null");
  }

  /** Starts a browser session of the bearer token's user. */
  @PostMapping(ApiPaths.AUTH_SESSION)
  public ResponseEntity<Void> start(Caller caller, HttpServletRequest request) {
    if (request.getHeader(HttpHeaders.AUTHORIZATION) == null) {
      throw new CapstanException(
          ErrorCode.UNAUTHENTICATED,
          HttpHeaders.AUTHORIZATION,
          "Expected an 'Authorization: Bearer <API token>' header to start a browser session, but"
              + " the request had only a session cookie");
    }
    SessionStore.Started session =
        sessions.start(caller.user(), SessionStore.Client.BROWSER, lifetime);
    ResponseEntity.HeadersBuilder<?> answer =
        ResponseEntity.noContent().header(HttpHeaders.CACHE_CONTROL, "no-store");
    for (String cookie : SessionCookies.start(session.secret(), lifetime, request.isSecure())) {
      answer.header(HttpHeaders.SET_COOKIE, cookie);
    }
    return answer.build();
  }
}
