package io.capstan.server.serving;

import io.capstan.api.ApiPaths;
import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * The serving gateway over HTTP: {@code /serving/{project}/{service}/v2/...} goes to one ready
 * replica of the service, chosen by the canary's share and then the less loaded of two. A request
 * that could not reach its replica (connection refused or reset, or a replica answering 503 while
 * it drains) is sent to another one: inference has no side effects, so a retry is safe. Answers
 * carry {@code capstan-model-version} with the version that answered.
 */
@RestController
public class HttpGateway {
  static final String VERSION_HEADER = "capstan-model-version";
  private static final int ATTEMPTS = 3;
  private static final long FAILED_BACKEND_PAUSE_NANOS = 2_000_000_000L;

  private final GatewayAccess access;
  private final ServingRoutes routes;
  private final RequestStats stats;
  private final ReplicaHttp client;
  private final JsonMapper json;
  private final long maxRequestBytes;

  HttpGateway(
      GatewayAccess access,
      ServingRoutes routes,
      RequestStats stats,
      ReplicaHttp client,
      JsonMapper json,
      long maxRequestBytes) {
    this.access = access;
    this.routes = routes;
    this.stats = stats;
    this.client = client;
    this.json = json;
    this.maxRequestBytes = maxRequestBytes;
  }

  @RequestMapping(
      path = ApiPaths.SERVING + "/**",
      method = {RequestMethod.GET, RequestMethod.POST})
  public ResponseEntity<byte[]> forward(
      @PathVariable String project, @PathVariable String service, HttpServletRequest request) {
    long started = System.nanoTime();
    try {
      access.check(request.getHeader(HttpHeaders.AUTHORIZATION), project, service);
    } catch (CapstanException e) {
      return error(HttpStatus.valueOf(e.code().httpStatus()), e.getMessage());
    }
    String prefix = ApiPaths.expand(ApiPaths.SERVING, project, service);
    String path = request.getRequestURI().substring(request.getContextPath().length());
    if (!path.startsWith(prefix + "/v2")) {
      return error(
          HttpStatus.NOT_FOUND,
          "Expected a KServe v2 path below " + prefix + "/v2, but was " + path);
    }
    String target =
        path.substring(prefix.length())
            + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
    byte[] body;
    try {
      body = readBounded(request);
    } catch (CapstanException e) {
      return error(HttpStatus.valueOf(e.code().httpStatus()), e.getMessage());
    } catch (IOException e) {
      return error(HttpStatus.BAD_REQUEST, "Could not read the request body: " + e.getMessage());
    }
    Route route = routes.find(project, service);
    if (route.isEmpty()) {
      return error(
          HttpStatus.SERVICE_UNAVAILABLE,
          "Service '"
              + service
              + "' has no replica ready yet; see 'capstan serve get "
              + service
              + "'");
    }
    String forwardedHeaders = forwardedHeaders(request);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    List<Backend> track = route.track(random);
    Set<Backend> tried = new HashSet<>();
    String lastFailure = "no replica answered";
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Backend backend = route.pick(track, tried, random, System.nanoTime());
      if (backend == null) {
        break;
      }
      tried.add(backend);
      backend.begin();
      try {
        ReplicaHttp.Answer response =
            client.exchange(backend.http(), request.getMethod(), target, forwardedHeaders, body);
        if (response.status() == 503 && attempt + 1 < ATTEMPTS) {
          lastFailure = backend + " answered 503";
          continue;
        }
        stats.record(
            project,
            service,
            backend.version(),
            System.nanoTime() - started,
            response.status() >= 500);
        HttpHeaders headers = new HttpHeaders();
        if (response.contentType() != null) {
          headers.set(HttpHeaders.CONTENT_TYPE, response.contentType());
        }
        headers.set(VERSION_HEADER, Integer.toString(backend.version()));
        return new ResponseEntity<>(
            response.body(), headers, HttpStatus.valueOf(response.status()));
      } catch (IOException e) {
        backend.markFailed(System.nanoTime(), FAILED_BACKEND_PAUSE_NANOS);
        lastFailure = backend + " could not be reached: " + e.getClass().getSimpleName();
      } finally {
        backend.end();
      }
    }
    Backend any = track.isEmpty() ? null : track.get(0);
    if (any != null) {
      stats.record(project, service, any.version(), System.nanoTime() - started, true);
    }
    return error(
        HttpStatus.BAD_GATEWAY, "Service '" + service + "' did not answer: " + lastFailure);
  }

  /** The request headers a replica needs: the body's type and the v2 binary extension's length. */
  private static String forwardedHeaders(HttpServletRequest request) {
    StringBuilder headers = new StringBuilder();
    String type = request.getContentType();
    if (type != null) {
      headers.append("Content-Type: ").append(type).append("\r\n");
    }
    String length = request.getHeader("Inference-Header-Content-Length");
    if (length != null) {
      headers.append("Inference-Header-Content-Length: ").append(length).append("\r\n");
    }
    return headers.toString();
  }

  private byte[] readBounded(HttpServletRequest request) throws IOException {
    long declared = request.getContentLengthLong();
    if (declared > maxRequestBytes) {
      throw tooLarge(declared);
    }
    try (InputStream in = request.getInputStream()) {
      byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxRequestBytes + 1));
      if (body.length > maxRequestBytes) {
        throw tooLarge(body.length);
      }
      return body;
    }
  }

  private CapstanException tooLarge(long size) {
    return new CapstanException(
        ErrorCode.PAYLOAD_TOO_LARGE,
        "Expected a request of at most "
            + maxRequestBytes
            + " bytes, but it had "
            + (size > maxRequestBytes ? "more" : size));
  }

  /** An error in the v2 protocol's form, {@code {"error": "..."}}. */
  private ResponseEntity<byte[]> error(HttpStatus status, String message) {
    byte[] body = json.writeValueAsBytes(java.util.Map.of("error", message));
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
  }
}
