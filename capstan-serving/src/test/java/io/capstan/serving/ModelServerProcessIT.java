package io.capstan.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The process contract the InferenceService controller relies on: the shaded jar started as a real
 * process, ports file, readiness, inference, SIGTERM, exit 0; bad arguments exit 2.
 */
class ModelServerProcessIT {
  @TempDir Path dir;

  /** Every process a test started; none outlives its test, whether it passed or not. */
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void stopStarted() {
    started.forEach(Process::destroyForcibly);
  }

  private Process start(Path log, String... args) throws IOException {
    return start(log, List.of(), args);
  }

  private Process start(Path log, List<String> jvmOptions, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Djava.io.tmpdir=" + dir);
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    started.add(process);
    return process;
  }

  private static Path jar() {
    String configured = System.getProperty("capstan.serving.jar");
    Path jar =
        configured != null
            ? Path.of(configured)
            : TestingModels.home().resolve("capstan-serving/target/capstan-model-server.jar");
    assertThat(jar).as("the shaded jar (built in the package phase)").exists();
    return jar;
  }

  @Test
  void servesUntilSigtermThenDrainsAndExitsZero() throws Exception {
    Path ports = dir.resolve("run/ports");
    Files.createDirectories(ports.getParent());
    Path log = dir.resolve("server.log");
    Process process =
        start(
            log,
            "--model",
            "mlp=" + TestingModels.mlp(),
            "--model",
            "mlp:2=" + TestingModels.mlp(),
            "--http-port",
            "0",
            "--grpc-port=0",
            "--ports-file",
            ports.toString(),
            "--max-queue-delay-us",
            "200",
            "--drain-timeout",
            "5");
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(ports) || !process.isAlive());
      assertThat(process.isAlive()).as(Files.readString(log)).isTrue();
      String text = Files.readString(ports);
      assertThat(text).matches("http=\\d+\ngrpc=\\d+\n");
      Map<String, Integer> byName =
          text.lines()
              .map(line -> line.split("="))
              .collect(Collectors.toMap(kv -> kv[0], kv -> Integer.parseInt(kv[1])));
      String base = "http://127.0.0.1:" + byName.get("http");
      HttpClient http = HttpClient.newHttpClient();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> get(http, base + "/v2/health/ready").statusCode() == 200);

      TestingModels.Reference reference = TestingModels.reference();
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/v2/models/mlp/infer"))
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          TestingServer.inferBody("p", reference.flatInput())))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode body = JsonMapper.builder().build().readTree(response.body());
      assertThat(body.get("model_version").asString()).isEqualTo("2");
      float[] expected = reference.flatOutput();
      for (int i = 0; i < expected.length; i++) {
        assertThat(body.get("outputs").get(0).get("data").get(i).floatValue())
            .isCloseTo(expected[i], within(1e-5f));
      }
      assertThat(get(http, base + "/metrics").body())
          .contains("capstan_serving_requests_total{model=\"mlp\"");

      process.destroy(); // SIGTERM
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as(Files.readString(log)).isZero();
      assertThat(Files.readString(log))
          .contains("on CPU")
          .contains("model server draining")
          .contains("model server stopped");
    } finally {
      process.destroyForcibly();
    }
  }

  /**
   * ONNX Runtime recurses over the command line while it starts; on the JVM's default 1 MiB main
   * thread stack a command line of 6,000 characters killed the process with SIGSEGV.
   */
  @Test
  void aLongCommandLineDoesNotCrashOnnxRuntime() throws Exception {
    Path log = dir.resolve("long.log");
    Process process =
        start(
            log,
            List.of("-Dcapstan.padding=" + "x".repeat(40_000)),
            "--model",
            "mlp=" + TestingModels.mlp(),
            "--http-port",
            "0",
            "--grpc-port",
            "0");
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  !process.isAlive()
                      || Files.readString(log).contains("model server ready: 1 model version"));
      assertThat(process.isAlive()).as(Files.readString(log)).isTrue();
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void badArgumentsExitTwoNamingTheFlag() throws Exception {
    Path log = dir.resolve("bad.log");
    Process process = start(log, "--model", "mlp=" + TestingModels.mlp(), "--http-port", "http");
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(Files.readString(log)).contains("--http-port: expected an integer, but was 'http'");

    Process noModel = start(log, "--http-port", "0");
    assertThat(noModel.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(noModel.exitValue()).isEqualTo(2);
    assertThat(Files.readString(log)).contains("--model");

    Process badName = start(log, "--model", "Big_Name:1=" + TestingModels.mlp());
    assertThat(badName.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(badName.exitValue()).isEqualTo(2);
    assertThat(Files.readString(log)).contains("--model: expected the model name to match");
  }

  @Test
  void aModelThatCannotBeLoadedExitsOneNamingIt() throws Exception {
    Path log = dir.resolve("missing.log");
    Process process =
        start(
            log,
            "--model",
            "ghost:3=" + dir.resolve("nope.onnx"),
            "--http-port",
            "0",
            "--grpc-port",
            "0");
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(1);
    assertThat(Files.readString(log)).contains("--model ghost:3").contains("nope.onnx");
  }

  private static HttpResponse<String> get(HttpClient http, String url) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create(url)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
