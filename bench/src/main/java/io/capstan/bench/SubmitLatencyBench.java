package io.capstan.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Submit-to-all-replicas-running latency of a 4-replica job and API submissions per second, against
 * a real server process, each next to a baseline measured in the same run: spawning the same 4
 * processes directly (the floor for latency) and {@code GET /health} (the HTTP floor for
 * throughput). The latency is measured twice: with every replica in its bubblewrap sandbox (the
 * default) and on a second server without the sandbox ({@code --trust-all-jobs}). With {@code
 * --baseline-jar JAR} (the server jar of an earlier commit) the sandboxed latency and the
 * submissions per second are measured on that server too, in the same run, for a before/after.
 *
 * <p>Run: {@code ./mvnw -q -DskipTests package && java -cp bench/target/capstan-bench.jar:...}; see
 * docs/benchmarks.md for the exact command.
 */
public final class SubmitLatencyBench {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final HttpClient http = HttpClient.newHttpClient();
  private final String url;
  private final String token;

  private SubmitLatencyBench(String url, String token) {
    this.url = url;
    this.token = token;
  }

  public static void main(String[] args) throws Exception {
    int jobs = CommandLine.intValue(args, "--jobs", 60);
    int submissions = CommandLine.intValue(args, "--submissions", 400);
    int concurrency = CommandLine.intValue(args, "--concurrency", 8);
    Path jar =
        Path.of(
            CommandLine.value(args, "--server-jar", "capstan-server/target/capstan-server.jar"));
    String baselineJar = CommandLine.value(args, "--baseline-jar", "");
    List<Double> before = null;
    double submitsBefore = 0;
    if (!baselineJar.isEmpty()) {
      try (RunningServer server = RunningServer.start(Path.of(baselineJar), List.of())) {
        SubmitLatencyBench bench = new SubmitLatencyBench(server.url(), server.token());
        before = bench.submitToRunning(jobs);
        submitsBefore = bench.throughput(submissions, concurrency, true);
      }
    }
    List<Double> floor;
    List<Double> latency;
    List<Double> unsandboxed;
    double health;
    double submits;
    try (RunningServer server = RunningServer.start(jar, List.of())) {
      SubmitLatencyBench bench = new SubmitLatencyBench(server.url(), server.token());
      floor = bench.spawnFloor(jobs);
      latency = bench.submitToRunning(jobs);
      health = bench.throughput(submissions, concurrency, false);
      submits = bench.throughput(submissions, concurrency, true);
    }
    // The same jobs on a server without the sandbox (every job trusted), in the same run.
    try (RunningServer server =
        RunningServer.start(
            jar, List.of("--trust-all-jobs", "--capstan.runtime.local.sandbox=none"))) {
      unsandboxed = new SubmitLatencyBench(server.url(), server.token()).submitToRunning(jobs);
    }
    System.out.printf(Locale.ROOT, "%nSubmit-to-all-running latency, 4 replicas, %d jobs%n", jobs);
    System.out.printf(Locale.ROOT, "| %-44s | %9s | %9s |%n", "what", "p50 ms", "p99 ms");
    row("baseline: spawn 4 processes directly", floor);
    row("capstan, no sandbox: submit -> 4 Running", unsandboxed);
    row("capstan, sandboxed: submit -> 4 Running", latency);
    System.out.printf(
        Locale.ROOT,
        "| %-44s | %9.1f | %9.1f |%n",
        "sandbox adds (sandboxed - no sandbox)",
        pct(latency, 50) - pct(unsandboxed, 50),
        pct(latency, 99) - pct(unsandboxed, 99));
    System.out.printf(
        Locale.ROOT,
        "| %-44s | %9.1f | %9.1f |%n",
        "ratio sandboxed / baseline",
        pct(latency, 50) / pct(floor, 50),
        pct(latency, 99) / pct(floor, 99));
    System.out.printf(
        Locale.ROOT,
        "%nAPI throughput, %d requests, %d concurrent clients%n",
        submissions,
        concurrency);
    System.out.printf(Locale.ROOT, "| %-44s | %9s |%n", "what", "req/s");
    System.out.printf(Locale.ROOT, "| %-44s | %9.0f |%n", "baseline: GET /api/v1/health", health);
    System.out.printf(
        Locale.ROOT, "| %-44s | %9.0f |%n", "capstan: POST job (validated, stored)", submits);
    System.out.printf(
        Locale.ROOT, "| %-44s | %9.2f |%n", "ratio submit / health", submits / health);
    if (before != null) {
      System.out.printf(
          Locale.ROOT, "%nThis build against %s, sandboxed, same run%n", Path.of(baselineJar));
      System.out.printf(
          Locale.ROOT, "| %-44s | %9s | %9s | %9s |%n", "what", "p50 ms", "p99 ms", "submit/s");
      System.out.printf(
          Locale.ROOT,
          "| %-44s | %9.1f | %9.1f | %9.0f |%n",
          "baseline jar: submit -> 4 Running",
          pct(before, 50),
          pct(before, 99),
          submitsBefore);
      System.out.printf(
          Locale.ROOT,
          "| %-44s | %9.1f | %9.1f | %9.0f |%n",
          "this build: submit -> 4 Running",
          pct(latency, 50),
          pct(latency, 99),
          submits);
      System.out.printf(
          Locale.ROOT,
          "| %-44s | %9.2f | %9.2f | %9.2f |%n",
          "ratio this build / baseline",
          pct(latency, 50) / pct(before, 50),
          pct(latency, 99) / pct(before, 99),
          submits / submitsBefore);
    }
  }

  private static void row(String what, List<Double> samples) {
    System.out.printf(
        Locale.ROOT, "| %-44s | %9.1f | %9.1f |%n", what, pct(samples, 50), pct(samples, 99));
  }

  /** A server process on a fresh data directory, stopped on close. */
  private record RunningServer(Process process, String url, String token) implements AutoCloseable {
    static RunningServer start(Path jar, List<String> extraArgs) throws Exception {
      Path data = Files.createTempDirectory("capstan-bench");
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      List<String> command =
          new ArrayList<>(
              List.of(
                  "java",
                  "-jar",
                  jar.toString(),
                  "--port",
                  Integer.toString(port),
                  "--data-dir",
                  data.toString(),
                  // No serving here: a gateway process would outlive the server.
                  "--capstan.serving.gateway.launch=off"));
      command.addAll(extraArgs);
      Process server =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(data.resolve("server.log").toFile())
              .start();
      String url = "http://127.0.0.1:" + port;
      waitForHealth(url);
      return new RunningServer(server, url, Files.readString(data.resolve("admin.token")).trim());
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      process.waitFor();
    }
  }

  /** Time to start 4 {@code sleep} processes and see them alive: the floor of any launcher. */
  private List<Double> spawnFloor(int runs) throws IOException {
    List<Double> samples = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      List<Process> processes = new ArrayList<>();
      for (int r = 0; r < 4; r++) {
        processes.add(new ProcessBuilder("sleep", "30").start());
      }
      boolean alive = processes.stream().allMatch(Process::isAlive);
      samples.add((System.nanoTime() - start) / 1e6);
      processes.forEach(Process::destroyForcibly);
      if (!alive) {
        throw new IllegalStateException("baseline processes died");
      }
    }
    return samples;
  }

  private List<Double> submitToRunning(int runs) throws Exception {
    List<Double> samples = new ArrayList<>();
    for (int i = 0; i < runs + 3; i++) {
      String name = "lat-" + i;
      String spec =
          "{\"apiVersion\":\"capstan.io/v1\",\"kind\":\"TrainingJob\",\"metadata\":{\"name\":\""
              + name
              + "\"},\"spec\":{\"replicas\":[{\"role\":\"worker\",\"count\":4,"
              + "\"command\":[\"sleep\",\"30\"]}]}}";
      long start = System.nanoTime();
      HttpResponse<String> submitted = send(post("/api/v1/projects/default/jobs", spec));
      if (submitted.statusCode() != 201) {
        throw new IllegalStateException("submit failed: " + submitted.body());
      }
      while (!allRunning(name)) {
        Thread.sleep(2); // polling harder would steal the CPU the server needs on 2 cores
      }
      double ms = (System.nanoTime() - start) / 1e6;
      if (i >= 3) { // the first jobs warm up the JIT
        samples.add(ms);
      }
      send(request("/api/v1/projects/default/jobs/" + name).DELETE().build());
    }
    return samples;
  }

  private boolean allRunning(String name) throws Exception {
    JsonNode job =
        JSON.readTree(send(request("/api/v1/projects/default/jobs/" + name).GET().build()).body());
    JsonNode replicas = job.get("status").get("replicas");
    if (replicas.size() != 4) {
      return false;
    }
    for (JsonNode replica : replicas) {
      if (!replica.get("state").asString().equals("Running")) {
        return false;
      }
    }
    return true;
  }

  /** Requests per second with {@code concurrency} clients: job submissions or health checks. */
  private double throughput(int total, int concurrency, boolean submit) throws Exception {
    // Submitted jobs ask for more CPU than a queue-blocking first job leaves, so they are stored
    // and queued but start no processes.
    String blocker =
        "{\"apiVersion\":\"capstan.io/v1\",\"kind\":\"TrainingJob\",\"metadata\":{\"name\":\"blocker\"},"
            + "\"spec\":{\"replicas\":[{\"role\":\"worker\",\"count\":1,\"command\":[\"sleep\",\"600\"],"
            + "\"resources\":{\"cpu\":\""
            + Runtime.getRuntime().availableProcessors()
            + "\"}}]}}";
    if (submit) {
      send(post("/api/v1/projects/default/jobs", blocker));
    }
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    long start = System.nanoTime();
    List<Future<?>> futures = new ArrayList<>();
    for (int c = 0; c < concurrency; c++) {
      futures.add(
          pool.submit(
              () -> {
                int i;
                while ((i = next.getAndIncrement()) < total) {
                  HttpResponse<String> response =
                      submit
                          ? send(post("/api/v1/projects/default/jobs", queuedJob(i)))
                          : send(request("/api/v1/health").GET().build());
                  if (response.statusCode() >= 300) {
                    throw new IllegalStateException(response.body());
                  }
                }
                return null;
              }));
    }
    try {
      for (Future<?> future : futures) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (submit) { // replicas outlive the server by design: stop the blocker's before it goes
      send(request("/api/v1/projects/default/jobs/blocker").DELETE().build());
    }
    return total / seconds;
  }

  private static String queuedJob(int i) {
    return "{\"apiVersion\":\"capstan.io/v1\",\"kind\":\"TrainingJob\",\"metadata\":{\"name\":\"queued-"
        + i
        + "\"},\"spec\":{\"replicas\":[{\"role\":\"worker\",\"count\":4,"
        + "\"command\":[\"sleep\",\"1\"],\"resources\":{\"cpu\":\"100m\"}}]}}";
  }

  private HttpRequest post(String path, String json) {
    return request(path)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json))
        .build();
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(url + path))
        .header("Authorization", "Bearer " + token);
  }

  private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  static void waitForHealth(String url) throws InterruptedException {
    HttpClient client = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> response =
            client.send(
                HttpRequest.newBuilder(URI.create(url + "/api/v1/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not up yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("server did not become healthy at " + url);
  }

  static double pct(List<Double> samples, int percentile) {
    List<Double> sorted = new ArrayList<>(samples);
    Collections.sort(sorted);
    int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
  }
}
