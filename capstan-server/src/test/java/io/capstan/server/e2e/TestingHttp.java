package io.capstan.server.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small HTTP client for end-to-end tests: bearer token, JSON or YAML bodies, text answers. */
final class TestingHttp {
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;

  TestingHttp(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** One answer: status and body text. */
  record Answer(int status, String body) {}

  Answer get(String token, String path) {
    return send(token, HttpRequest.newBuilder(uri(path)).GET());
  }

  Answer post(String token, String path, String contentType, String body) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      builder.header("Content-Type", contentType);
    }
    return send(token, builder);
  }

  /** POSTs raw bytes, such as a model file. */
  Answer postBytes(String token, String path, String contentType, byte[] body) {
    return send(
        token,
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  Answer put(String token, String path, String json) {
    return send(
        token,
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** PUTs with {@code If-Match}, the resourceVersion the caller read. */
  Answer put(String token, String path, String json, String ifMatch) {
    return send(
        token,
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .header("If-Match", ifMatch)
            .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  Answer patch(String token, String path, String json) {
    return send(
        token,
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
  }

  Answer delete(String token, String path) {
    return send(token, HttpRequest.newBuilder(uri(path)).DELETE());
  }

  private URI uri(String path) {
    return URI.create(baseUrl + path);
  }

  private Answer send(String token, HttpRequest.Builder builder) {
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> response =
          client.send(
              builder.timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
