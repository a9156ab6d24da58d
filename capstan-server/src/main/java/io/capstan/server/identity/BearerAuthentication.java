package io.capstan.server.identity;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Authenticates every {@code /api/} request except the open paths (health, the OpenAPI document,
 * the sign-in settings and exchange) by its {@code Authorization: Bearer <token>} header, or when
 * it has none by the browser's session cookie (with the CSRF check of {@link SessionCookies}), and
 * leaves the {@link Caller} on the request. A request without a valid token is answered 401
 * UNAUTHENTICATED in the one error format (the exception goes through MVC's exception resolvers,
 * i.e. the error mapping).
 */
final class BearerAuthentication extends OncePerRequestFilter {
  static final String CALLER_ATTRIBUTE = Caller.class.getName();

  private final Authenticator authenticator;
  private final Set<String> openPaths;
  private final Supplier<HandlerExceptionResolver> errors;

  BearerAuthentication(
      Authenticator authenticator,
      Set<String> openPaths,
      Supplier<HandlerExceptionResolver> errors) {
    this.authenticator = requireNonNull(authenticator, "authenticator is null");
    this.openPaths = Set.copyOf(openPaths);
    this.errors = requireNonNull(errors, "errors is null");
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    // The servlet path is decoded and normalized by the container, unlike the request URI.
    String path =
        request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
    return !path.startsWith("/api/") || openPaths.contains(path);
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Caller caller;
    try {
      caller = authenticate(request);
    } catch (CapstanException e) {
      if (errors.get().resolveException(request, response, null, e) == null) {
        throw e;
      }
      return;
    }
    request.setAttribute(CALLER_ATTRIBUTE, caller);
    chain.doFilter(request, response);
  }

  private Caller authenticate(HttpServletRequest request) {
    String header = request.getHeader("Authorization");
    String session = SessionCookies.value(request, SessionCookies.SESSION);
    if (header != null || session == null) {
      return authenticator.authenticate(header);
    }
    Caller caller = authenticator.sessionCookie(session);
    SessionCookies.requireCsrf(request, session);
    return caller;
  }
}
