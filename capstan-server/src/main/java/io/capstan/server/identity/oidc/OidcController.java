package io.capstan.server.identity.oidc;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.identity.OidcSettings;
import io.capstan.api.identity.OidcTokenRequest;
import io.capstan.api.identity.Pkce;
import io.capstan.api.identity.SessionView;
import io.capstan.server.identity.SessionCookies;
import io.capstan.server.identity.SessionStore;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * Sign-in with the OpenID provider: the browser's authorization code flow with PKCE ({@code
 * /auth/login}, {@code /auth/callback}, {@code /auth/logout}), and for the CLI the provider's
 * settings and the exchange of an ID token for a Capstan token ({@link ApiPaths#AUTH_OIDC}). Every
 * endpoint answers 404 while {@code capstan.oidc.issuer} is unset.
 */
@RestController
public class OidcController {
  public static final String LOGIN = "/auth/login";
  public static final String CALLBACK = "/auth/callback";
  public static final String LOGOUT = ApiPaths.LOGOUT;
  private static final String DEFAULT_RETURN = ApiPaths.WHOAMI;
  private static final String BEARER = "Bearer ";

  private final OidcConfig config;
  private final OidcProvider provider;
  private final IdTokenVerifier verifier;
  private final SignIn signIn;
  private final SessionStore sessions;
  private final Clock clock;

  OidcController(
      OidcConfig config,
      OidcProvider provider,
      IdTokenVerifier verifier,
      SignIn signIn,
      SessionStore sessions,
      Clock clock) {
    this.config = requireNonNull(config, "config is null");
    this.provider = requireNonNull(provider, "provider is null");
    this.verifier = requireNonNull(verifier, "verifier is null");
    this.signIn = requireNonNull(signIn, "signIn is null");
    this.sessions = requireNonNull(sessions, "sessions is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** Sends the browser to the provider, with PKCE (S256), state and nonce. */
  @GetMapping(LOGIN)
  public ResponseEntity<Void> login(
      HttpServletRequest request,
      @RequestParam(name = "return_to", required = false) String returnTo) {
    requireEnabled();
    Pkce pkce = Pkce.create();
    LoginCookie login =
        new LoginCookie(
            Pkce.random(),
            Pkce.random(),
            pkce.verifier(),
            clock.instant().plus(LoginCookie.LIFETIME),
            safeReturn(returnTo));
    URI redirectUri = redirectUri(request);
    Map<String, String> query = new LinkedHashMap<>();
    query.put("response_type", "code");
    query.put("client_id", config.clientId());
    query.put("redirect_uri", redirectUri.toString());
    query.put("scope", String.join(" ", config.scopes()));
    query.put("state", login.state());
    query.put("nonce", login.nonce());
    query.put("code_challenge", pkce.challenge());
    query.put("code_challenge_method", Pkce.METHOD);
    String authorization = provider.metadata().authorizationEndpoint().toString();
    return ResponseEntity.status(HttpStatus.FOUND)
        .header(
            HttpHeaders.LOCATION,
            authorization + (authorization.contains("?") ? "&" : "?") + query(query))
        .header(HttpHeaders.CACHE_CONTROL, "no-store")
        .header(
            HttpHeaders.SET_COOKIE,
            SessionCookies.cookie(
                LoginCookie.NAME, login.encode(), LoginCookie.LIFETIME, secure(request), true))
        .build();
  }

  /**
   * The provider's answer: exchanges the code, verifies the ID token (with the nonce), signs the
   * user in and starts the browser session, then goes back where {@code /auth/login} came from.
   */
  @GetMapping(CALLBACK)
  public ResponseEntity<Void> callback(
      HttpServletRequest request,
      @RequestParam(required = false) String code,
      @RequestParam(required = false) String state,
      @RequestParam(required = false) String error,
      @RequestParam(name = "error_description", required = false) String errorDescription) {
    requireEnabled();
    LoginCookie login =
        LoginCookie.decode(SessionCookies.value(request, LoginCookie.NAME))
            .orElseThrow(
                () ->
                    unauthenticated(
                        "Expected the callback in the browser that started the sign-in (cookie "
                            + LoginCookie.NAME
                            + "), but it had none; start again at "
                            + LOGIN));
    if (state == null
        || !MessageDigest.isEqual(
            state.getBytes(StandardCharsets.UTF_8),
            login.state().getBytes(StandardCharsets.UTF_8))) {
      throw unauthenticated(
          "Expected the state of the sign-in this browser started, but it was "
              + (state == null ? "missing" : "another")
              + "; start again at "
              + LOGIN);
    }
    if (!login.expiresAt().isAfter(clock.instant())) {
      throw unauthenticated(
          "Expected the sign-in to finish within "
              + LoginCookie.LIFETIME.toMinutes()
              + " minutes, but it took longer; start again at "
              + LOGIN);
    }
    if (error != null) {
      throw unauthenticated(
          "Expected the identity provider to sign you in, but it answered '"
              + OidcProvider.quote(error)
              + "'"
              + (errorDescription == null ? "" : ": " + OidcProvider.quote(errorDescription)));
    }
    if (code == null || code.isBlank()) {
      throw unauthenticated("Expected an authorization code in the callback, but it had none");
    }
    String idToken = provider.exchangeCode(code, login.verifier(), redirectUri(request));
    IdToken token = verifier.verify(idToken, login.nonce());
    SessionStore.Started session = signIn.signIn(token, SessionStore.Client.BROWSER);
    boolean secure = secure(request);
    ResponseEntity.BodyBuilder answer =
        ResponseEntity.status(HttpStatus.FOUND)
            .header(HttpHeaders.LOCATION, safeReturn(login.returnTo()))
            .header(HttpHeaders.CACHE_CONTROL, "no-store")
            .header(
                HttpHeaders.SET_COOKIE,
                SessionCookies.cookie(LoginCookie.NAME, "", Duration.ZERO, secure, true));
    for (String cookie : SessionCookies.start(session.secret(), config.sessionLifetime(), secure)) {
      answer.header(HttpHeaders.SET_COOKIE, cookie);
    }
    return answer.build();
  }

  /**
   * Ends a session: the CLI's, given as {@code Authorization: Bearer capsess_...}, or the browser's
   * of the cookie (with the CSRF header, as every state-changing call the cookie authenticates),
   * whose cookies are cleared. Unknown or no sessions are not an error.
   */
  @PostMapping(LOGOUT)
  public ResponseEntity<Void> logout(HttpServletRequest request) {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      sessions.end(header.substring(BEARER.length()).strip());
      return ResponseEntity.noContent().build();
    }
    String session = SessionCookies.value(request, SessionCookies.SESSION);
    if (session != null) {
      SessionCookies.requireCsrf(request, session);
      sessions.end(session);
    }
    ResponseEntity.HeadersBuilder<?> answer = ResponseEntity.noContent();
    for (String cookie : SessionCookies.end(secure(request))) {
      answer.header(HttpHeaders.SET_COOKIE, cookie);
    }
    return answer.build();
  }

  /** What the CLI needs to sign in (no authentication). */
  @GetMapping(ApiPaths.AUTH_OIDC)
  public OidcSettings settings() {
    requireEnabled();
    OidcProvider.Metadata metadata = provider.metadata();
    return new OidcSettings(
        metadata.issuer(),
        config.cliClientId(),
        config.scopes(),
        metadata.authorizationEndpoint().toString(),
        metadata.tokenEndpoint().toString(),
        metadata.deviceAuthorizationEndpoint() == null
            ? null
            : metadata.deviceAuthorizationEndpoint().toString());
  }

  /** Exchanges the CLI's ID token for a Capstan token with an expiry (no authentication). */
  @PostMapping(ApiPaths.AUTH_OIDC_TOKEN)
  public SessionView exchange(@RequestBody OidcTokenRequest request) {
    requireEnabled();
    IdToken token = verifier.verify(request.idToken(), request.nonce());
    SessionStore.Started session = signIn.signIn(token, SessionStore.Client.CLI);
    return new SessionView(session.user(), session.secret(), session.expiresAt());
  }

  private void requireEnabled() {
    if (!config.enabled()) {
      throw CapstanException.notFound(
          "Sign-in with an identity provider is not configured on this server (an operator sets"
              + " capstan.oidc.issuer and capstan.oidc.client-id); use an API token");
    }
  }

  private URI redirectUri(HttpServletRequest request) {
    return config.redirectUri() != null
        ? config.redirectUri()
        : ServletUriComponentsBuilder.fromContextPath(request).path(CALLBACK).build().toUri();
  }

  private boolean secure(HttpServletRequest request) {
    return request.isSecure()
        || (config.redirectUri() != null && "https".equals(config.redirectUri().getScheme()));
  }

  /** Only a path on this server, so the sign-in cannot be used to redirect elsewhere. */
  private static String safeReturn(String returnTo) {
    if (returnTo == null
        || !returnTo.startsWith("/")
        || returnTo.startsWith("//")
        || returnTo.contains("\\")
        || returnTo.chars().anyMatch(Character::isISOControl)) {
      return DEFAULT_RETURN;
    }
    return returnTo;
  }

  private static String query(Map<String, String> fields) {
    return fields.entrySet().stream()
        .map(
            e ->
                URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  private static CapstanException unauthenticated(String message) {
    return new CapstanException(ErrorCode.UNAUTHENTICATED, message);
  }
}
