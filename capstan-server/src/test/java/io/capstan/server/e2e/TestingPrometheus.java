package io.capstan.server.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Debian's Prometheus as a process of the test, on a free loopback port with its own storage, with
 * a scrape configuration the test writes; queried through its HTTP API. Never skipped: {@code
 * .ci/run} installs it.
 */
final class TestingPrometheus implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Process process;
  private final TestingHttp http;

  /** Checks {@code config} with promtool, then starts Prometheus on it. */
  TestingPrometheus(Path dir, String config) {
    try {
      Path file = dir.resolve("prometheus.yml");
      Files.writeString(file, config);
      Process check =
          new ProcessBuilder("/usr/bin/promtool", "check", "config", file.toString())
              .redirectErrorStream(true)
              .start();
      String checked = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (check.waitFor() != 0) {
        throw new IllegalStateException("promtool refused the configuration:\n" + checked);
      }
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      process =
          new ProcessBuilder(
                  List.of(
                      "/usr/bin/prometheus",
                      "--config.file=" + file,
                      "--storage.tsdb.path=" + dir.resolve("data"),
                      "--web.listen-address=127.0.0.1:" + port))
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("prometheus.log").toFile())
              .start();
      http = new TestingHttp("http://127.0.0.1:" + port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> http.get(null, "/-/ready").status() == 200);
  }

  /** The answer of an instant query: {@code data.result}, after checking it succeeded. */
  JsonNode query(String promql) {
    TestingHttp.Answer answer =
        http.get(null, "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    JsonNode body = JSON.readTree(answer.body());
    if (answer.status() != 200 || !body.get("status").asString().equals("success")) {
      throw new IllegalStateException("Prometheus refused " + promql + ": " + answer.body());
    }
    return body.get("data").get("result");
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
