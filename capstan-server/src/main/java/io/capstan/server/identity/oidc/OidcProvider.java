package io.capstan.server.identity.oidc;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The configured OpenID provider over HTTP: its discovery document (fetched on first use, then at
 * most hourly; the last good one is kept while the provider is down) and its token endpoint for the
 * browser's authorization code.
 */
public final class OidcProvider {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REFRESH = Duration.ofHours(1);
  private static final int MAX_QUOTED = 200;

  private final OidcConfig config;
  private final Clock clock;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private final JsonMapper json = JsonMapper.builder().build();
  private volatile Fetched fetched;

  /** The parts of the discovery document Capstan uses. */
  public record Metadata(
      String issuer,
      URI authorizationEndpoint,
      URI tokenEndpoint,
      URI jwksUri,
      URI deviceAuthorizationEndpoint) {
    public Metadata {
      requireNonNull(issuer, "issuer is null");
      requireNonNull(authorizationEndpoint, "authorizationEndpoint is null");
      requireNonNull(tokenEndpoint, "tokenEndpoint is null");
      requireNonNull(jwksUri, "jwksUri is null");
    }
  }

  private record Fetched(Metadata metadata, Instant at) {}

  public OidcProvider(OidcConfig config, Clock clock) {
    this.config = requireNonNull(config, "config is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  public OidcConfig config() {
    return config;
  }

  /** The discovery document; UNAVAILABLE when it cannot be fetched and none was before. */
  public Metadata metadata() {
    Fetched current = fetched;
    if (current != null && current.at().plus(REFRESH).isAfter(clock.instant())) {
      return current.metadata();
    }
    try {
      Metadata metadata = discover();
      fetched = new Fetched(metadata, clock.instant());
      return metadata;
    } catch (CapstanException e) {
      if (current != null) {
        return current.metadata();
      }
      throw e;
    }
  }

  /**
   * Exchanges the browser's authorization code (with its PKCE verifier) for the provider's tokens
   * and returns the ID token; UNAUTHENTICATED when the provider refuses.
   */
  public String exchangeCode(String code, String verifier, URI redirectUri) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("code", code);
    form.put("redirect_uri", redirectUri.toString());
    form.put("code_verifier", verifier);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(metadata().tokenEndpoint())
            .timeout(TIMEOUT)
            .header("Accept", "application/json")
            .header("Content-Type", "application/x-www-form-urlencoded");
    if (config.clientSecret() == null) {
      form.put("client_id", config.clientId());
    } else {
      // client_secret_basic (RFC 6749 2.3.1): both parts form-encoded, then Base64.
      String credentials = encode(config.clientId()) + ":" + encode(config.clientSecret());
      request.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }
    HttpResponse<String> response =
        send(request.POST(HttpRequest.BodyPublishers.ofString(form(form))).build(), "token");
    JsonNode body = parse(response.body(), "token");
    if (response.statusCode() != 200) {
      throw new CapstanException(
          ErrorCode.UNAUTHENTICATED,
          "Expected the identity provider to accept the authorization code, but it answered HTTP "
              + response.statusCode()
              + ": "
              + body.path("error").asString("")
              + " "
              + quote(body.path("error_description").asString("")));
    }
    String idToken = body.path("id_token").asString("");
    if (idToken.isEmpty()) {
      throw new CapstanException(
          ErrorCode.UNAUTHENTICATED,
          "Expected an id_token in the identity provider's token answer (is 'openid' among"
              + " capstan.oidc.scopes?), but there was none");
    }
    return idToken;
  }

  private Metadata discover() {
    String base = config.issuer().toString().replaceAll("/+$", "");
    URI uri = URI.create(base + "/.well-known/openid-configuration");
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(uri)
                .timeout(TIMEOUT)
                .header("Accept", "application/json")
                .GET()
                .build(),
            "discovery");
    if (response.statusCode() != 200) {
      throw unavailable(
          "Expected the discovery document at " + uri + ", but got HTTP " + response.statusCode(),
          null);
    }
    JsonNode doc = parse(response.body(), "discovery");
    String issuer = doc.path("issuer").asString("");
    if (!issuer.replaceAll("/+$", "").equals(base)) {
      // OpenID Connect Discovery 4.3: the document must name the issuer it was fetched for.
      throw unavailable(
          "Expected the discovery document at "
              + uri
              + " to name issuer '"
              + config.issuer()
              + "' (capstan.oidc.issuer), but it named '"
              + quote(issuer)
              + "'",
          null);
    }
    return new Metadata(
        issuer,
        endpoint(doc, "authorization_endpoint", uri),
        endpoint(doc, "token_endpoint", uri),
        endpoint(doc, "jwks_uri", uri),
        doc.hasNonNull("device_authorization_endpoint")
            ? endpoint(doc, "device_authorization_endpoint", uri)
            : null);
  }

  private static URI endpoint(JsonNode doc, String field, URI from) {
    String value = doc.path(field).asString("");
    try {
      URI uri = URI.create(value);
      if (uri.getScheme() != null && uri.getHost() != null) {
        return uri;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw unavailable(
        "Expected "
            + field
            + " in the discovery document at "
            + from
            + " to be a URL, but was '"
            + quote(value)
            + "'",
        null);
  }

  private HttpResponse<String> send(HttpRequest request, String what) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw unavailable(
          "Cannot reach the identity provider's " + what + " endpoint " + request.uri() + ": " + e,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable("Interrupted while calling the identity provider at " + request.uri(), e);
    }
  }

  private JsonNode parse(String body, String what) {
    try {
      return json.readTree(body);
    } catch (JacksonException e) {
      throw unavailable(
          "Expected JSON from the identity provider's "
              + what
              + " endpoint, but got: "
              + quote(body),
          e);
    }
  }

  private static String form(Map<String, String> fields) {
    return fields.entrySet().stream()
        .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
        .collect(Collectors.joining("&"));
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  static String quote(String text) {
    String clean = text == null ? "" : text.replaceAll("\\p{Cntrl}", "?");
    return clean.length() > MAX_QUOTED ? clean.substring(0, MAX_QUOTED) + "..." : clean;
  }

  private static CapstanException unavailable(String message, Throwable cause) {
    return new CapstanException(ErrorCode.UNAVAILABLE, null, message, cause);
  }
}
