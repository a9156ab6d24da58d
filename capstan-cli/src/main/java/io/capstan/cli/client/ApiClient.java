package io.capstan.cli.client;

import static java.util.Objects.requireNonNull;

import io.capstan.cli.CliException;
import io.capstan.cli.ExitCodes;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

/**
 * A client of the Capstan REST API: sends the bearer token, maps JSON, and turns error answers
 * ({@code ErrorBody}) and connection failures into {@link CliException}s with the right exit code.
 */
public final class ApiClient {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  private static final String JSON = "application/json";
  private static final int MAX_QUOTED_BODY = 200;
  private static final int UPLOAD_CHUNK = 256 * 1024;

  private final Connection connection;
  private final WireCodec codec;
  private final HttpClient http;

  public ApiClient(Connection connection, WireCodec codec) {
    this.connection = requireNonNull(connection, "connection is null");
    this.codec = requireNonNull(codec, "codec is null");
    this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
  }

  public Connection connection() {
    return connection;
  }

  public WireCodec codec() {
    return codec;
  }

  /** GETs {@code path} and returns the body as the server sent it. */
  public String getText(String path) {
    return send(request(path).GET());
  }

  public <T> T get(String path, Class<T> type) {
    return decode(getText(path), type, path);
  }

  public <T> T get(String path, TypeReference<T> type) {
    String body = getText(path);
    try {
      return codec.fromJson(body, type);
    } catch (JacksonException e) {
      throw unexpectedAnswer(path, e);
    }
  }

  /** POSTs {@code body} as JSON. */
  public <T> T post(String path, Object body, Class<T> type) {
    return postText(path, codec.toJson(body), JSON, type);
  }

  /** POSTs {@code body} as JSON and returns the answer's text. */
  public String postForText(String path, Object body) {
    return send(
        request(path)
            .header("Content-Type", JSON)
            .POST(HttpRequest.BodyPublishers.ofString(codec.toJson(body), StandardCharsets.UTF_8)));
  }

  /** POSTs {@code text} as is, with {@code contentType}. */
  public <T> T postText(String path, String text, String contentType, Class<T> type) {
    HttpRequest.Builder request =
        request(path)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8));
    return decode(send(request), type, path);
  }

  /** POSTs {@code body} as JSON and returns the answer's text. */
  public String postJson(String path, Object body) {
    return send(
        request(path)
            .header("Content-Type", JSON)
            .POST(HttpRequest.BodyPublishers.ofString(codec.toJson(body), StandardCharsets.UTF_8)));
  }

  /**
   * POSTs the file as {@code application/octet-stream}, streamed from disk (never read whole), and
   * returns the answer's text. No request timeout: a large model takes as long as it takes.
   */
  public String upload(String path, Path file) {
    HttpRequest.BodyPublisher body;
    try {
      body = HttpRequest.BodyPublishers.ofFile(file);
    } catch (FileNotFoundException e) {
      throw new CliException(ExitCodes.USAGE, "Cannot read file " + file + ": no such file", e);
    }
    return send(
        baseRequest(path)
            .header("Accept", JSON)
            .header("Content-Type", "application/octet-stream")
            .POST(body));
  }

  /** Writes a request body onto the connection's stream, as it goes. */
  @FunctionalInterface
  public interface BodyWriter {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * POSTs what {@code body} writes as {@code contentType}, chunked and never held whole, and
   * returns the answer's text. The body is written on the calling thread straight onto the socket
   * (a folder's tar goes from its files to the server with no pipe and no thread between: the
   * dataset bench found {@link HttpClient}'s input-stream publisher and a pipe cost more CPU than
   * the tar itself). No request timeout: a large dataset takes as long as it takes. When the server
   * answers an error before it read everything (a refused name, a size limit), that answer is what
   * the caller sees.
   */
  public String uploadStream(String path, String contentType, BodyWriter body) {
    URI uri = uri(path);
    HttpURLConnection http;
    try {
      http = (HttpURLConnection) uri.toURL().openConnection();
      http.setRequestMethod("POST");
    } catch (IOException | IllegalArgumentException e) {
      throw new CliException(
          ExitCodes.USAGE,
          "Expected an http:// or https:// server URL, but was '" + connection.url() + "'",
          e);
    }
    try {
      http.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
      http.setDoOutput(true);
      http.setChunkedStreamingMode(UPLOAD_CHUNK);
      http.setRequestProperty("User-Agent", "capstan-cli");
      http.setRequestProperty("Accept", JSON);
      http.setRequestProperty("Content-Type", contentType);
      if (connection.token() != null) {
        http.setRequestProperty("Authorization", "Bearer " + connection.token());
      }
      IOException sending = null;
      try {
        OutputStream out = http.getOutputStream();
        body.writeTo(out);
        out.close();
      } catch (IOException e) {
        sending = e; // the server may have answered and closed: read its answer below
      }
      return answer(http, sending);
    } finally {
      http.disconnect();
    }
  }

  private String answer(HttpURLConnection http, IOException sending) {
    int status;
    String text;
    try {
      status = http.getResponseCode();
      try (InputStream in = status >= 400 ? http.getErrorStream() : http.getInputStream()) {
        text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      if (sending != null) {
        e.addSuppressed(sending);
      }
      throw new CliException(
          ExitCodes.UNREACHABLE,
          "Cannot reach the Capstan server at " + connection.url() + ": " + describe(e),
          e);
    }
    if (status >= 300) {
      throw error(status, text);
    }
    if (sending != null) {
      throw new CliException(
          ExitCodes.ERROR,
          "Cannot send the upload to " + connection.url() + ": " + sending,
          sending);
    }
    return text;
  }

  /** POSTs without a body and returns the answer's text. */
  public String post(String path) {
    return send(request(path).POST(HttpRequest.BodyPublishers.noBody()));
  }

  /** PUTs {@code body} as JSON and returns the answer's text. */
  public String put(String path, Object body) {
    return send(
        request(path)
            .header("Content-Type", JSON)
            .PUT(HttpRequest.BodyPublishers.ofString(codec.toJson(body), StandardCharsets.UTF_8)));
  }

  /**
   * PUTs {@code body} as JSON with {@code If-Match: "N"} when {@code ifMatch} is given (the
   * resourceVersion read; the server answers 409 when the object has changed since).
   */
  public String put(String path, Object body, Long ifMatch) {
    HttpRequest.Builder request =
        request(path)
            .header("Content-Type", JSON)
            .PUT(HttpRequest.BodyPublishers.ofString(codec.toJson(body), StandardCharsets.UTF_8));
    if (ifMatch != null) {
      request.header("If-Match", "\"" + ifMatch + "\"");
    }
    return send(request);
  }

  /** PATCHes {@code body} as JSON and returns the answer's text. */
  public String patch(String path, Object body) {
    return send(
        request(path)
            .header("Content-Type", JSON)
            .method(
                "PATCH",
                HttpRequest.BodyPublishers.ofString(codec.toJson(body), StandardCharsets.UTF_8)));
  }

  /**
   * DELETEs {@code path}; returns false when the server accepted the deletion but is still carrying
   * it out (202 Accepted: e.g. a job's replicas are still stopping).
   */
  public boolean delete(String path) {
    HttpResponse<String> response =
        checked(
            exchange(
                request(path).DELETE().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
    return response.statusCode() != 202;
  }

  /**
   * GETs {@code path} and copies the body to {@code out} as it arrives, flushing after every chunk,
   * until the server ends it. No request timeout: a followed log may stream for hours.
   */
  public void stream(String path, OutputStream out) {
    HttpRequest request = baseRequest(path).header("Accept", "text/plain").GET().build();
    HttpResponse<InputStream> response =
        exchange(request, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = response.body()) {
      if (response.statusCode() >= 300) {
        throw error(response.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
      byte[] buffer = new byte[8192];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.UNREACHABLE,
          "Lost the connection to the Capstan server at " + connection.url() + ": " + e,
          e);
    }
  }

  private HttpRequest.Builder request(String path) {
    return baseRequest(path).timeout(REQUEST_TIMEOUT).header("Accept", JSON);
  }

  private HttpRequest.Builder baseRequest(String path) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri(path)).header("User-Agent", "capstan-cli");
    if (connection.token() != null) {
      builder.header("Authorization", "Bearer " + connection.token());
    }
    return builder;
  }

  private URI uri(String path) {
    try {
      return URI.create(connection.url() + path);
    } catch (IllegalArgumentException e) {
      throw new CliException(
          ExitCodes.USAGE,
          "Expected a server URL such as http://localhost:7070, but was '" + connection.url() + "'",
          e);
    }
  }

  private String send(HttpRequest.Builder request) {
    return checked(
            exchange(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)))
        .body();
  }

  private HttpResponse<String> checked(HttpResponse<String> response) {
    if (response.statusCode() >= 300) {
      throw error(response.statusCode(), response.body());
    }
    return response;
  }

  private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(request, handler);
    } catch (IOException | UncheckedIOException e) {
      throw new CliException(
          ExitCodes.UNREACHABLE,
          "Cannot reach the Capstan server at " + connection.url() + ": " + describe(e),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.ERROR, "Interrupted while calling " + request.uri(), e);
    } catch (IllegalArgumentException e) {
      throw new CliException(
          ExitCodes.USAGE,
          "Expected an http:// or https:// server URL, but was '" + connection.url() + "'",
          e);
    }
  }

  /** The first message in the cause chain: HttpClient's ConnectException has none of its own. */
  private static String describe(Exception e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        return t.getMessage();
      }
    }
    return e instanceof ConnectException
        ? "could not connect (is the server running, and is the URL right?)"
        : e.getClass().getSimpleName();
  }

  private <T> T decode(String body, Class<T> type, String path) {
    if (type == Void.class) {
      return null;
    }
    try {
      return codec.fromJson(body, type);
    } catch (JacksonException e) {
      throw unexpectedAnswer(path, e);
    }
  }

  private CliException unexpectedAnswer(String path, JacksonException e) {
    return new CliException(
        ExitCodes.ERROR,
        "Expected a Capstan API answer from "
            + connection.url()
            + path
            + ", but could not read it: "
            + e.getOriginalMessage(),
        e);
  }

  /** Maps an error answer to an exit code and the server's message (an {@code ErrorBody}). */
  CliException error(int status, String body) {
    int exitCode =
        switch (status) {
          case 404 -> ExitCodes.NOT_FOUND;
          case 401, 403 -> ExitCodes.UNAUTHORIZED;
          default -> ExitCodes.ERROR;
        };
    String message = null;
    String field = null;
    try {
      JsonNode node = codec.tree(body);
      message = node.path("message").stringValue(null);
      field = node.path("field").stringValue(null);
    } catch (JacksonException e) {
      // Not an ErrorBody (a proxy's HTML page, say): quote the body below instead.
    }
    if (message == null) {
      message =
          "Expected a Capstan API answer from "
              + connection.url()
              + ", but got HTTP "
              + status
              + quote(body);
    }
    if (status == 401 && field == null) {
      // A refused credential in the body (field set: an ID token to exchange) is not the token.
      message +=
          connection.token() == null
              ? " (no token: run 'capstan login --url URL --token TOKEN' or set CAPSTAN_TOKEN)"
              : " (run 'capstan login' again or check CAPSTAN_TOKEN)";
    }
    return new CliException(exitCode, message, field, null);
  }

  private static String quote(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String trimmed = body.strip();
    return ": "
        + (trimmed.length() > MAX_QUOTED_BODY
            ? trimmed.substring(0, MAX_QUOTED_BODY) + "..."
            : trimmed);
  }
}
