package io.capstan.server.serving;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Finds where a serving replica listens (the ports file it writes once both its HTTP and gRPC
 * servers listen) and asks it whether the exact model version it should serve is ready ({@code GET
 * /v2/models/{name}/versions/{version}/ready}), so a stale ports file of an earlier run never
 * counts.
 */
final class ReadinessProbe {
  private final HttpClient client;
  private final Duration timeout;
  private final ReplicaSecrets secrets;

  ReadinessProbe(HttpClient client, Duration timeout, ReplicaSecrets secrets) {
    this.client = client;
    this.timeout = timeout;
    this.secrets = secrets;
  }

  /**
   * The replica's ports, or empty while it has not written them.
   *
   * @param file the ports file ({@code http=PORT} and {@code grpc=PORT} lines)
   */
  Optional<Ports> ports(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
    Integer http = null;
    Integer grpc = null;
    for (String line : text.split("\n")) {
      String[] pair = line.trim().split("=", 2);
      if (pair.length != 2) {
        continue;
      }
      try {
        if (pair[0].equals("http")) {
          http = Integer.parseInt(pair[1].trim());
        } else if (pair[0].equals("grpc")) {
          grpc = Integer.parseInt(pair[1].trim());
        }
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
    return http == null || grpc == null ? Optional.empty() : Optional.of(new Ports(http, grpc));
  }

  /**
   * Whether the replica at {@code base} has {@code model} version {@code version} ready; asks with
   * the secret of the replica job {@code jobUid}.
   */
  boolean ready(URI base, String model, int version, String jobUid) {
    HttpRequest request =
        HttpRequest.newBuilder(
                base.resolve("/v2/models/" + model + "/versions/" + version + "/ready"))
            .header("Authorization", "Bearer " + secrets.secret(jobUid))
            .timeout(timeout)
            .GET()
            .build();
    try {
      return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Where a replica listens. */
  record Ports(int http, int grpc) {}
}
