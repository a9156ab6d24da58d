package io.capstan.server.notebook;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorBody;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.identity.ProjectRole;
import io.capstan.server.identity.Access;
import io.capstan.server.identity.Authenticator;
import io.capstan.server.identity.Caller;
import io.capstan.server.identity.SessionCookies;
import io.capstan.server.identity.SessionStore;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The control plane's proxy to notebooks, at {@code /notebooks/<project>/<name>/**}: HTTP here,
 * WebSocket (kernels, terminals) through {@link NotebookSockets}. A request is let through when it
 * is authenticated (an API token or session in {@code Authorization: Bearer}, or the browser's
 * session cookie, which a one-time login link starts) by an editor of the project; anyone else gets
 * 404 for a project they are not in, as the API answers. The proxy adds the notebook's Jupyter
 * token, strips Capstan's credentials from what it forwards, and removes the token from every body
 * and Jupyter's login cookie from every answer, so it never reaches the browser. Each request
 * counts as the notebook's activity for the idle culler.
 */
final class NotebookProxy extends HttpServlet {
  private static final Logger log = LoggerFactory.getLogger(NotebookProxy.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String PREFIX = "/notebooks/";
  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

  /** Jupyter's cross-site request forgery cookie and header, which its pages send. */
  private static final String XSRF_COOKIE = "_xsrf";

  private static final String XSRF_HEADER = "X-XSRFToken";

  /** Jupyter's own login cookie: a credential to the server itself, never handed out. */
  private static final String JUPYTER_LOGIN_COOKIE = "username-";

  /** Request headers not forwarded: hop-by-hop, Capstan's credentials, what the client sets. */
  private static final Set<String> REQUEST_SKIPPED =
      Set.of(
          "host",
          "connection",
          "keep-alive",
          "proxy-connection",
          "proxy-authorization",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "content-length",
          "expect",
          "authorization",
          "cookie",
          "accept-encoding",
          "http2-settings",
          SessionCookies.CSRF_HEADER.toLowerCase(Locale.ROOT));

  private static final Set<String> RESPONSE_SKIPPED =
      Set.of("connection", "keep-alive", "transfer-encoding", "content-length", "set-cookie");

  private final NotebookService notebooks;
  private final NotebookSockets sockets;
  private final NotebookLogins logins;
  private final IdleCuller culler;
  private final Authenticator authenticator;
  private final SessionStore sessions;
  private final Access access;
  private final Duration sessionLifetime;
  private final HttpClient http;

  NotebookProxy(
      NotebookService notebooks,
      NotebookSockets sockets,
      NotebookLogins logins,
      IdleCuller culler,
      Authenticator authenticator,
      SessionStore sessions,
      Access access,
      Duration sessionLifetime,
      HttpClient http) {
    this.notebooks = notebooks;
    this.sockets = sockets;
    this.logins = logins;
    this.culler = culler;
    this.authenticator = authenticator;
    this.sessions = sessions;
    this.access = access;
    this.sessionLifetime = sessionLifetime;
    this.http = http;
  }

  /** The notebook a request is for, from its path: project, name and the rest. */
  private record Address(String project, String name, String rest) {
    String base() {
      return NotebookRecord.path(project, name);
    }
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Optional<Address> parsed = address(request);
    if (parsed.isEmpty()) {
      error(response, CapstanException.notFound("Expected /notebooks/<project>/<name>/"));
      return;
    }
    Address address = parsed.get();
    if (address.rest() == null) {
      response.sendRedirect(address.base());
      return;
    }
    try {
      String code = loginCode(request.getQueryString());
      if (code != null) {
        login(request, response, address, code);
        return;
      }
      Caller caller = authenticate(request);
      access.requireProject(caller, address.project(), ProjectRole.EDITOR);
      if (!notebooks.exists(address.project(), address.name())) {
        throw CapstanException.notFound(
            "Notebook '" + address.name() + "' not found in project '" + address.project() + "'");
      }
      Optional<NotebookService.Target> target = notebooks.target(address.project(), address.name());
      if (target.isEmpty()) {
        throw new CapstanException(
            ErrorCode.UNAVAILABLE, notebooks.notRunning(address.project(), address.name()));
      }
      culler.touched(target.get().uid());
      if ("websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
        sockets.relay(request, response, target.get());
      } else {
        forward(request, response, target.get());
      }
    } catch (CapstanException e) {
      error(response, e);
    }
  }

  /**
   * The login code in the query, read from the query string itself: {@code getParameter} would
   * consume a form body that belongs to Jupyter.
   */
  private static String loginCode(String query) {
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      if (pair.startsWith(NotebookLogins.PARAMETER + "=")) {
        return pair.substring(NotebookLogins.PARAMETER.length() + 1);
      }
    }
    return null;
  }

  private static Optional<Address> address(HttpServletRequest request) {
    String uri = request.getRequestURI();
    if (!uri.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String[] parts = uri.substring(PREFIX.length()).split("/", 3);
    if (parts.length < 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Address(parts[0], parts[1], parts.length == 3 ? parts[2] : null));
  }

  /** Exchanges a one-time login code for a browser session and lands in Jupyter. */
  private void login(
      HttpServletRequest request, HttpServletResponse response, Address address, String code)
      throws IOException {
    String user =
        logins
            .redeem(code, address.base())
            .orElseThrow(
                () ->
                    new CapstanException(
                        ErrorCode.UNAUTHENTICATED,
                        "Expected a valid login link, but this one is used up, expired or for"
                            + " another notebook; run: capstan notebook open "
                            + address.name()));
    SessionStore.Started session =
        sessions.start(user, SessionStore.Client.BROWSER, sessionLifetime);
    for (String cookie :
        SessionCookies.start(session.secret(), sessionLifetime, request.isSecure())) {
      response.addHeader("Set-Cookie", cookie);
    }
    response.setHeader("Cache-Control", "no-store");
    response.setStatus(HttpServletResponse.SC_SEE_OTHER);
    response.setHeader("Location", address.base() + "tree");
  }

  /**
   * The caller: by {@code Authorization: Bearer}, else by the session cookie, which must come with
   * a cross-site request forgery guard on a state-changing request (Jupyter's own {@code _xsrf}
   * double-submit, which its pages send, or Capstan's) and from this site on a WebSocket.
   */
  private Caller authenticate(HttpServletRequest request) {
    String header = request.getHeader("Authorization");
    String session = SessionCookies.value(request, SessionCookies.SESSION);
    if (header != null || session == null) {
      if (header == null) {
        throw new CapstanException(
            ErrorCode.UNAUTHENTICATED,
            "Expected a signed-in browser or an 'Authorization: Bearer <token>' header, but the"
                + " request had neither; open a login link from: capstan notebook open <name>");
      }
      return authenticator.authenticate(header);
    }
    Caller caller = authenticator.sessionCookie(session);
    if ("websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
      requireSameOrigin(request);
    } else if (!SAFE_METHODS.contains(request.getMethod())) {
      String xsrf = SessionCookies.value(request, XSRF_COOKIE);
      String sent = request.getHeader(XSRF_HEADER);
      if (xsrf == null || sent == null || !equal(xsrf, sent)) {
        SessionCookies.requireCsrf(request, session);
      }
    }
    return caller;
  }

  private static void requireSameOrigin(HttpServletRequest request) {
    String origin = request.getHeader("Origin");
    String host = request.getHeader("Host");
    if (origin == null) {
      return;
    }
    String originHost = URI.create(origin).getAuthority();
    if (host == null || !host.equalsIgnoreCase(originHost)) {
      throw new CapstanException(
          ErrorCode.PERMISSION_DENIED,
          "Expected a WebSocket from a page of this server ("
              + host
              + "), but it came from "
              + origin);
    }
  }

  private static boolean equal(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private void forward(
      HttpServletRequest request, HttpServletResponse response, NotebookService.Target target)
      throws IOException {
    String query = request.getQueryString();
    URI uri = target.base().resolve(request.getRequestURI() + (query == null ? "" : "?" + query));
    HttpRequest.Builder upstream = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5));
    for (String name : Collections.list(request.getHeaderNames())) {
      if (!REQUEST_SKIPPED.contains(name.toLowerCase(Locale.ROOT))) {
        for (String value : Collections.list(request.getHeaders(name))) {
          upstream.header(name, value);
        }
      }
    }
    String cookies = forwardedCookies(request);
    if (!cookies.isEmpty()) {
      upstream.header("Cookie", cookies);
    }
    upstream.header("Authorization", "token " + target.token());
    upstream.method(request.getMethod(), body(request));
    HttpResponse<InputStream> answer;
    try {
      answer = http.send(upstream.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      log.debug("Notebook server at {} did not answer: {}", target.base(), e.getMessage());
      throw new CapstanException(
          ErrorCode.UNAVAILABLE,
          "Expected the notebook's server to answer, but it did not (" + e.getMessage() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CapstanException(ErrorCode.UNAVAILABLE, "Interrupted while proxying");
    }
    response.setStatus(answer.statusCode());
    answer
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              String lower = name.toLowerCase(Locale.ROOT);
              if (!RESPONSE_SKIPPED.contains(lower) && !lower.startsWith(":")) {
                values.forEach(value -> response.addHeader(name, value));
              }
            });
    answer.headers().allValues("set-cookie").stream()
        .filter(cookie -> !cookie.startsWith(JUPYTER_LOGIN_COOKIE))
        .forEach(cookie -> response.addHeader("Set-Cookie", cookie));
    try (InputStream in = answer.body()) {
      TokenScrubber out = new TokenScrubber(response.getOutputStream(), target.token());
      byte[] buffer = new byte[16384];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        if (in.available() == 0) {
          out.flush();
        }
      }
      out.finish();
    }
  }

  private static HttpRequest.BodyPublisher body(HttpServletRequest request) {
    long length = request.getContentLengthLong();
    if (length == 0 || (length < 0 && request.getHeader("Transfer-Encoding") == null)) {
      return HttpRequest.BodyPublishers.noBody();
    }
    HttpRequest.BodyPublisher stream =
        HttpRequest.BodyPublishers.ofInputStream(
            () -> {
              try {
                return request.getInputStream();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    return length > 0 ? HttpRequest.BodyPublishers.fromPublisher(stream, length) : stream;
  }

  /** The request's cookies less Capstan's session and Jupyter's login cookie. */
  private static String forwardedCookies(HttpServletRequest request) {
    jakarta.servlet.http.Cookie[] cookies = request.getCookies();
    if (cookies == null) {
      return "";
    }
    return java.util.Arrays.stream(cookies)
        .filter(
            c ->
                !c.getName().equals(SessionCookies.SESSION)
                    && !c.getName().equals(SessionCookies.CSRF)
                    && !c.getName().startsWith(JUPYTER_LOGIN_COOKIE))
        .map(c -> c.getName() + "=" + c.getValue())
        .collect(Collectors.joining("; "));
  }

  static void error(HttpServletResponse response, CapstanException e) throws IOException {
    if (response.isCommitted()) {
      return;
    }
    response.reset();
    response.setStatus(e.code().httpStatus());
    response.setContentType("application/json");
    response.setCharacterEncoding("UTF-8");
    response.getWriter().write(JSON.writeValueAsString(ErrorBody.of(e)));
  }
}
