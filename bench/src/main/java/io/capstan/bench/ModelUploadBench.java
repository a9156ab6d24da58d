package io.capstan.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Model registration against a real server process, next to baselines measured in the same run:
 * registering a large ONNX file (streamed upload, SHA-256, fsync, ONNX Runtime load for the
 * signature, version row) against copying the same file on disk with fsync (the floor of any
 * store), and registering a tiny model against {@code GET /health} (the HTTP floor).
 *
 * <p>Run: {@code ./mvnw -q -DskipTests package} then {@code java -cp bench/target/classes:...}; see
 * docs/benchmarks.md for the exact command.
 */
public final class ModelUploadBench {
  private final HttpClient http = HttpClient.newHttpClient();
  private final String url;
  private final String token;

  private ModelUploadBench(String url, String token) {
    this.url = url;
    this.token = token;
  }

  public static void main(String[] args) throws Exception {
    int side = CommandLine.intValue(args, "--side", 4096);
    int runs = CommandLine.intValue(args, "--runs", 7);
    int small = CommandLine.intValue(args, "--small-runs", 100);
    Path jar =
        Path.of(
            CommandLine.value(args, "--server-jar", "capstan-server/target/capstan-server.jar"));
    Path data = Files.createTempDirectory("capstan-model-bench");
    Path big = export(data.resolve("big.onnx"), side);
    Path tiny = export(data.resolve("tiny.onnx"), 8);
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Process server = startServer(jar, port, data);
    try {
      String url = "http://127.0.0.1:" + port;
      SubmitLatencyBench.waitForHealth(url);
      ModelUploadBench bench =
          new ModelUploadBench(url, Files.readString(data.resolve("server/admin.token")).trim());
      double mib = Files.size(big) / (1024.0 * 1024.0);
      List<Double> copies = new ArrayList<>();
      List<Double> uploads = new ArrayList<>();
      for (int i = 0; i < runs + 1; i++) {
        double copy = copyWithSync(big, data.resolve("copy-" + i));
        double upload = bench.register("big", big);
        if (i > 0) { // the first run warms up the JIT and ONNX Runtime
          copies.add(copy);
          uploads.add(upload);
        }
      }
      List<Double> health = new ArrayList<>();
      List<Double> tinies = new ArrayList<>();
      for (int i = 0; i < small + 5; i++) {
        double h = bench.health();
        double t = bench.register("tiny", tiny);
        if (i >= 5) {
          health.add(h);
          tinies.add(t);
        }
      }
      System.out.printf(Locale.ROOT, "%nRegistering a %.0f MiB ONNX model, %d runs%n", mib, runs);
      row("what", "p50 ms", "MiB/s");
      row("baseline: copy the file + fsync", copies, mib);
      row("capstan: POST .../versions -> 201", uploads, mib);
      System.out.printf(
          Locale.ROOT,
          "| %-38s | %9.2f | %9s |%n",
          "ratio capstan / baseline",
          SubmitLatencyBench.pct(uploads, 50) / SubmitLatencyBench.pct(copies, 50),
          "");
      System.out.printf(
          Locale.ROOT, "%nRegistering a %d-byte ONNX model, %d runs%n", Files.size(tiny), small);
      System.out.printf(Locale.ROOT, "| %-38s | %9s | %9s |%n", "what", "p50 ms", "p99 ms");
      latencyRow("baseline: GET /api/v1/health", health);
      latencyRow("capstan: POST .../versions -> 201", tinies);
      System.out.printf(
          Locale.ROOT,
          "| %-38s | %9.2f | %9.2f |%n",
          "ratio capstan / baseline",
          SubmitLatencyBench.pct(tinies, 50) / SubmitLatencyBench.pct(health, 50),
          SubmitLatencyBench.pct(tinies, 99) / SubmitLatencyBench.pct(health, 99));
    } finally {
      server.destroy();
      server.waitFor();
    }
  }

  /**
   * The packaged server on {@code port}, its data in {@code data/server}, its log in {@code
   * data/server.log}.
   */
  static Process startServer(Path jar, int port, Path data) throws IOException {
    return new ProcessBuilder(
            "java",
            "-jar",
            jar.toString(),
            "--port",
            Integer.toString(port),
            "--data-dir",
            data.resolve("server").toString())
        .redirectErrorStream(true)
        .redirectOutput(data.resolve("server.log").toFile())
        .start();
  }

  private double register(String model, Path file) throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> response =
        http.send(
            request("/api/v1/projects/default/models/" + model + "/versions")
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofFile(file))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    double ms = (System.nanoTime() - start) / 1e6;
    if (response.statusCode() != 201) {
      throw new IllegalStateException("register failed: " + response.body());
    }
    return ms;
  }

  private double health() throws Exception {
    long start = System.nanoTime();
    http.send(request("/api/v1/health").GET().build(), HttpResponse.BodyHandlers.ofString());
    return (System.nanoTime() - start) / 1e6;
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(url + path))
        .header("Authorization", "Bearer " + token);
  }

  private static double copyWithSync(Path from, Path to) throws IOException {
    long start = System.nanoTime();
    Files.copy(from, to);
    try (FileChannel channel = FileChannel.open(to, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    double ms = (System.nanoTime() - start) / 1e6;
    Files.delete(to);
    return ms;
  }

  /** A {@code Linear(side, side)} exported by PyTorch: about 4 * side^2 bytes. */
  private static Path export(Path file, int side) throws Exception {
    String script =
        "import sys, torch\n"
            + "m = torch.nn.Linear(int(sys.argv[2]), int(sys.argv[2]))\n"
            + "torch.onnx.export(m, torch.zeros(1, int(sys.argv[2])), sys.argv[1],"
            + " opset_version=17, input_names=['input'], output_names=['output'])\n";
    Process python =
        new ProcessBuilder(
                "/usr/bin/python3", "-c", script, file.toString(), Integer.toString(side))
            .inheritIO()
            .start();
    if (!python.waitFor(10, TimeUnit.MINUTES) || python.exitValue() != 0) {
      throw new IllegalStateException("torch.onnx.export failed");
    }
    return file;
  }

  private static void row(String what, String p50, String rate) {
    System.out.printf(Locale.ROOT, "| %-38s | %9s | %9s |%n", what, p50, rate);
  }

  private static void row(String what, List<Double> samples, double mib) {
    double p50 = SubmitLatencyBench.pct(samples, 50);
    System.out.printf(Locale.ROOT, "| %-38s | %9.1f | %9.0f |%n", what, p50, mib / (p50 / 1000.0));
  }

  private static void latencyRow(String what, List<Double> samples) {
    System.out.printf(
        Locale.ROOT,
        "| %-38s | %9.2f | %9.2f |%n",
        what,
        SubmitLatencyBench.pct(samples, 50),
        SubmitLatencyBench.pct(samples, 99));
  }
}
