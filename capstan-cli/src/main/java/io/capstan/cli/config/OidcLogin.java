package io.capstan.cli.config;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.capstan.api.identity.OidcSettings;
import io.capstan.api.identity.Pkce;
import io.capstan.cli.CliException;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.client.WireCodec;
import java.awt.Desktop;
import java.awt.GraphicsEnvironment;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The CLI's side of a sign-in with the OpenID provider: the authorization code flow with PKCE and a
 * loopback redirect (RFC 8252: a one-shot HTTP listener on 127.0.0.1 and a random port), or the
 * device authorization grant (RFC 8628) where no browser can reach this machine. Both end with the
 * provider's ID token, which the caller exchanges at the Capstan server.
 */
final class OidcLogin {
  static final Duration BROWSER_WAIT = Duration.ofMinutes(5);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
  private static final int MAX_QUOTED = 200;

  private final OidcSettings settings;
  private final WireCodec codec;
  private final PrintStream out;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  /** The provider's ID token and the nonce it must carry (null for the device flow). */
  record Result(String idToken, String nonce) {
    @Override
    public String toString() {
      return "Result[idToken=***]";
    }
  }

  OidcLogin(OidcSettings settings, WireCodec codec, PrintStream out) {
    this.settings = requireNonNull(settings, "settings is null");
    this.codec = requireNonNull(codec, "codec is null");
    this.out = requireNonNull(out, "out is null");
  }

  /** Authorization code with PKCE: prints the URL, opens a browser when asked and one exists. */
  Result browser(boolean openBrowser) {
    String state = Pkce.random();
    String nonce = Pkce.random();
    Pkce pkce = Pkce.create();
    CompletableFuture<Map<String, String>> answer = new CompletableFuture<>();
    HttpServer listener = listen(answer);
    try {
      String redirectUri = "http://127.0.0.1:" + listener.getAddress().getPort() + "/callback";
      Map<String, String> query = new LinkedHashMap<>();
      query.put("response_type", "code");
      query.put("client_id", settings.clientId());
      query.put("redirect_uri", redirectUri);
      query.put("scope", String.join(" ", settings.scopes()));
      query.put("state", state);
      query.put("nonce", nonce);
      query.put("code_challenge", pkce.challenge());
      query.put("code_challenge_method", Pkce.METHOD);
      String endpoint = settings.authorizationEndpoint();
      String url = endpoint + (endpoint.contains("?") ? "&" : "?") + form(query);
      out.println("To sign in, open this URL in a browser on this machine:");
      out.println("  " + url);
      out.flush();
      if (openBrowser) {
        browse(url);
      }
      Map<String, String> callback = await(answer);
      if (!state.equals(callback.get("state"))) {
        throw new CliException(
            ExitCodes.UNAUTHORIZED,
            "Expected the provider's answer to carry the state this sign-in sent, but it did not;"
                + " run 'capstan login --oidc' again");
      }
      if (callback.get("error") != null) {
        throw new CliException(
            ExitCodes.UNAUTHORIZED,
            "Expected the identity provider to sign you in, but it answered '"
                + quote(callback.get("error"))
                + "'"
                + (callback.get("error_description") == null
                    ? ""
                    : ": " + quote(callback.get("error_description"))));
      }
      Map<String, String> token = new LinkedHashMap<>();
      token.put("grant_type", "authorization_code");
      token.put("code", callback.getOrDefault("code", ""));
      token.put("redirect_uri", redirectUri);
      token.put("client_id", settings.clientId());
      token.put("code_verifier", pkce.verifier());
      JsonNode tokens = post(settings.tokenEndpoint(), token);
      if (tokens.hasNonNull("error")) {
        throw providerRefused(tokens);
      }
      return new Result(idToken(tokens), nonce);
    } finally {
      listener.stop(0);
    }
  }

  /** Device authorization grant: prints the code to enter elsewhere, then polls for the token. */
  Result device() {
    if (settings.deviceAuthorizationEndpoint() == null) {
      throw CliException.usage(
          "Expected the identity provider to offer the device flow, but its discovery document"
              + " has no device_authorization_endpoint; sign in with 'capstan login --oidc' in a"
              + " browser instead");
    }
    Map<String, String> request = new LinkedHashMap<>();
    request.put("client_id", settings.clientId());
    request.put("scope", String.join(" ", settings.scopes()));
    JsonNode started = post(settings.deviceAuthorizationEndpoint(), request);
    if (started.hasNonNull("error") || !started.hasNonNull("device_code")) {
      throw providerRefused(started);
    }
    String complete = started.path("verification_uri_complete").asString("");
    out.println(
        "To sign in, open "
            + started.path("verification_uri").asString("")
            + " on any device and enter the code "
            + started.path("user_code").asString(""));
    if (!complete.isEmpty()) {
      out.println("  (or open " + complete + ")");
    }
    out.flush();
    long interval = Math.max(1, started.path("interval").asLong(5));
    long deadline =
        System.nanoTime()
            + TimeUnit.SECONDS.toNanos(Math.max(1, started.path("expires_in").asLong(600)));
    Map<String, String> poll = new LinkedHashMap<>();
    poll.put("grant_type", DEVICE_GRANT);
    poll.put("device_code", started.path("device_code").asString(""));
    poll.put("client_id", settings.clientId());
    while (System.nanoTime() < deadline) {
      pause(interval);
      JsonNode answer = post(settings.tokenEndpoint(), poll);
      String error = answer.path("error").asString("");
      switch (error) {
        case "" -> {
          return new Result(idToken(answer), null);
        }
        case "authorization_pending" -> {}
        case "slow_down" -> interval += 5; // RFC 8628 3.5
        default -> throw providerRefused(answer);
      }
    }
    throw new CliException(
        ExitCodes.TIMEOUT,
        "Expected the sign-in to be confirmed before the device code expired, but it was not; run"
            + " 'capstan login --oidc --device' again");
  }

  private HttpServer listen(CompletableFuture<Map<String, String>> answer) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.ERROR, "Cannot listen on 127.0.0.1 for the sign-in's redirect: " + e, e);
    }
    server.createContext(
        "/callback",
        exchange -> {
          Map<String, String> query = parseQuery(exchange.getRequestURI().getRawQuery());
          boolean first = answer.complete(query);
          respond(
              exchange,
              first && query.containsKey("code")
                  ? "Capstan received the sign-in. You can close this window and return to the"
                      + " terminal."
                  : "Capstan sign-in did not complete; see the terminal.");
        });
    server.start();
    return server;
  }

  private static void respond(HttpExchange exchange, String text) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(200, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  private static Map<String, String> await(CompletableFuture<Map<String, String>> answer) {
    try {
      return answer.get(BROWSER_WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new CliException(
          ExitCodes.TIMEOUT,
          "Expected the browser to come back within "
              + BROWSER_WAIT.toMinutes()
              + " minutes, but it did not; without a browser on this machine use 'capstan login"
              + " --oidc --device'",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.ERROR, "Interrupted while waiting for the browser", e);
    } catch (ExecutionException e) {
      throw new CliException(ExitCodes.ERROR, "The sign-in's redirect failed: " + e.getCause(), e);
    }
  }

  private void browse(String url) {
    try {
      if (!GraphicsEnvironment.isHeadless()
          && Desktop.isDesktopSupported()
          && Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)) {
        Desktop.getDesktop().browse(URI.create(url));
      }
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      out.println("(could not open a browser: " + e.getMessage() + "; open the URL yourself)");
    }
  }

  private JsonNode post(String endpoint, Map<String, String> fields) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(endpoint))
            .timeout(TIMEOUT)
            .header("Accept", "application/json")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form(fields)))
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.UNREACHABLE, "Cannot reach the identity provider at " + endpoint + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.ERROR, "Interrupted while calling " + endpoint, e);
    }
    try {
      return codec.tree(response.body());
    } catch (JacksonException e) {
      throw new CliException(
          ExitCodes.ERROR,
          "Expected JSON from the identity provider at "
              + endpoint
              + ", but got HTTP "
              + response.statusCode()
              + ": "
              + quote(response.body()),
          e);
    }
  }

  private static String idToken(JsonNode tokens) {
    String idToken = tokens.path("id_token").asString("");
    if (idToken.isEmpty()) {
      throw new CliException(
          ExitCodes.UNAUTHORIZED,
          "Expected an id_token from the identity provider, but its answer had none (is 'openid'"
              + " among the scopes?)");
    }
    return idToken;
  }

  private static CliException providerRefused(JsonNode answer) {
    return new CliException(
        ExitCodes.UNAUTHORIZED,
        "Expected the identity provider to sign you in, but it answered '"
            + quote(answer.path("error").asString("no error code"))
            + "'"
            + (answer.hasNonNull("error_description")
                ? ": " + quote(answer.path("error_description").asString(""))
                : ""));
  }

  private static void pause(long seconds) {
    try {
      Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.ERROR, "Interrupted while waiting for the sign-in", e);
    }
  }

  static Map<String, String> parseQuery(String raw) {
    Map<String, String> query = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return query;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      query.putIfAbsent(
          URLDecoder.decode(key, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return query;
  }

  private static String form(Map<String, String> fields) {
    return fields.entrySet().stream()
        .map(
            e ->
                URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  private static String quote(String text) {
    String clean = text == null ? "" : text.replaceAll("\\p{Cntrl}", "?").strip();
    return clean.length() > MAX_QUOTED ? clean.substring(0, MAX_QUOTED) + "..." : clean;
  }
}
