package io.capstan.bench;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Notebooks against a real server process and real Jupyter: create-to-ready (POST a notebook, poll
 * until it is Running) next to starting the same Jupyter by hand and polling until it answers (the
 * floor), and a kernel's execute round trip (execute_request to execute_reply over the kernel's
 * WebSocket) through the control plane's proxy against straight to Jupyter, interleaved.
 *
 * <p>Run: see docs/benchmarks.md for the exact command.
 */
public final class NotebookBench {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern PORT = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/notebooks/");

  private final HttpClient http = HttpClient.newHttpClient();
  private final String url;
  private final String token;

  private NotebookBench(String url, String token) {
    this.url = url;
    this.token = token;
  }

  public static void main(String[] args) throws Exception {
    int creates = CommandLine.intValue(args, "--creates", 10);
    int executes = CommandLine.intValue(args, "--executes", 300);
    String cpu = CommandLine.value(args, "--cpu", "2");
    Path jar =
        Path.of(
            CommandLine.value(args, "--server-jar", "capstan-server/target/capstan-server.jar"));
    Path data = Files.createTempDirectory("capstan-notebook-bench");
    int port = freePort();
    Process server = ModelUploadBench.startServer(jar, port, data);
    try {
      String url = "http://127.0.0.1:" + port;
      SubmitLatencyBench.waitForHealth(url);
      NotebookBench bench =
          new NotebookBench(url, Files.readString(data.resolve("server/admin.token")).trim());
      List<Double> direct = new ArrayList<>();
      List<Double> capstan = new ArrayList<>();
      for (int i = 0; i < creates + 1; i++) {
        double byHand = startByHand(data.resolve("by-hand-" + i));
        double created = bench.createToReady("lab" + i, cpu);
        if (i > 0) { // the first run warms up the JIT and the page cache
          direct.add(byHand);
          capstan.add(created);
        }
        if (i < creates) {
          bench.delete("lab" + i);
        }
      }
      String name = "lab" + creates;
      String kernel = bench.startKernel(name);
      String jupyter = bench.directBase(name, data.resolve("server/notebook.key"));
      String[] parts = jupyter.split(" ");
      try (Channels proxied =
              new Channels(
                  "ws://127.0.0.1:"
                      + port
                      + "/notebooks/default/"
                      + name
                      + "/api/kernels/"
                      + kernel,
                  Map.of("Authorization", "Bearer " + bench.token));
          Channels straight =
              new Channels(
                  "ws://" + parts[0] + "/notebooks/default/" + name + "/api/kernels/" + kernel,
                  Map.of("Authorization", "token " + parts[1]))) {
        List<Double> viaProxy = new ArrayList<>();
        List<Double> toJupyter = new ArrayList<>();
        for (int i = 0; i < executes + 50; i++) {
          double a = straight.roundTrip();
          double b = proxied.roundTrip();
          if (i >= 50) {
            toJupyter.add(a);
            viaProxy.add(b);
          }
        }
        System.out.printf(Locale.ROOT, "%nNotebook create-to-ready, %d runs%n", creates);
        row("what", "p50 ms", "p99 ms");
        latency("baseline: start Jupyter by hand", direct);
        latency("capstan: POST notebook -> Running", capstan);
        System.out.printf(
            Locale.ROOT,
            "%nKernel execute round trip (execute_request -> execute_reply), %d runs%n",
            executes);
        row("what", "p50 ms", "p99 ms");
        latency("baseline: WebSocket straight to Jupyter", toJupyter);
        latency("capstan: through the proxy", viaProxy);
        System.out.printf(
            Locale.ROOT,
            "| %-40s | %9.3f | %9.3f |%n",
            "proxy overhead (ms)",
            SubmitLatencyBench.pct(viaProxy, 50) - SubmitLatencyBench.pct(toJupyter, 50),
            SubmitLatencyBench.pct(viaProxy, 99) - SubmitLatencyBench.pct(toJupyter, 99));
      }
      bench.delete(name);
    } finally {
      server.destroy();
      server.waitFor();
      stopGateway(data.resolve("server/gateway/gateway.pid"));
    }
  }

  /** The serving gateway outlives its server by design; the bench's must not outlive the bench. */
  private static void stopGateway(Path pidFile) throws java.io.IOException {
    if (Files.isRegularFile(pidFile)) {
      ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()))
          .ifPresent(ProcessHandle::destroy);
    }
  }

  /** Starts Jupyter as a notebook's replica runs it, polls until it answers; then stops it. */
  private static double startByHand(Path dir) throws Exception {
    Files.createDirectories(dir);
    int port = freePort();
    ProcessBuilder builder =
        new ProcessBuilder(
                "/usr/bin/python3",
                "-m",
                "notebook",
                "--no-browser",
                "--allow-root",
                "--ip=127.0.0.1",
                "--port=" + port,
                "--notebook-dir=" + dir,
                "--NotebookApp.base_url=/notebooks/default/by-hand/",
                "--NotebookApp.token=by-hand")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("jupyter.log").toFile());
    Map<String, String> env = builder.environment();
    for (String variable :
        List.of(
            "HOME",
            "JUPYTER_CONFIG_DIR",
            "JUPYTER_DATA_DIR",
            "JUPYTER_RUNTIME_DIR",
            "IPYTHONDIR")) {
      env.put(variable, dir.resolve(variable.toLowerCase(Locale.ROOT)).toString());
    }
    HttpClient client = HttpClient.newHttpClient();
    URI api = URI.create("http://127.0.0.1:" + port + "/notebooks/default/by-hand/api");
    long start = System.nanoTime();
    Process jupyter = builder.start();
    try {
      while (true) {
        try {
          if (client
                  .send(
                      HttpRequest.newBuilder(api).GET().build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode()
              == 200) {
            return (System.nanoTime() - start) / 1e6;
          }
        } catch (java.io.IOException notYet) {
          // not listening yet
        }
        Thread.sleep(20);
      }
    } finally {
      jupyter.destroy();
      jupyter.waitFor();
    }
  }

  private double createToReady(String name, String cpu) throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> created =
        send(
            request("/api/v1/projects/default/notebooks")
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"" + name + "\",\"cpu\":\"" + cpu + "\",\"memory\":\"2Gi\"}")));
    if (created.statusCode() != 201) {
      throw new IllegalStateException("create failed: " + created.body());
    }
    while (!phase(name).equals("Running")) {
      Thread.sleep(20);
    }
    return (System.nanoTime() - start) / 1e6;
  }

  private String phase(String name) throws Exception {
    return JSON.readTree(send(request("/api/v1/projects/default/notebooks/" + name).GET()).body())
        .path("phase")
        .asString();
  }

  private void delete(String name) throws Exception {
    send(request("/api/v1/projects/default/notebooks/" + name).DELETE());
    while (send(request("/api/v1/projects/default/notebooks/" + name).GET()).statusCode() != 404) {
      Thread.sleep(50);
    }
  }

  private String startKernel(String name) throws Exception {
    HttpResponse<String> kernel =
        send(
            HttpRequest.newBuilder(URI.create(url + "/notebooks/default/" + name + "/api/kernels"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"python3\"}")));
    return JSON.readTree(kernel.body()).get("id").asString();
  }

  /**
   * {@code host:port token} of the notebook's Jupyter: the port from its log, the token derived
   * from the installation's key as the control plane derives it (an operator's view).
   */
  private String directBase(String name, Path keyFile) throws Exception {
    String job =
        JSON.readTree(send(request("/api/v1/projects/default/notebooks/" + name).GET()).body())
            .get("job")
            .asString();
    String uid =
        JSON.readTree(send(request("/api/v1/projects/default/jobs/" + job).GET()).body())
            .get("uid")
            .asString();
    String log = send(request("/api/v1/projects/default/jobs/" + job + "/logs").GET()).body();
    Matcher port = PORT.matcher(log);
    if (!port.find()) {
      throw new IllegalStateException("No Jupyter port in the log of " + job + ":\n" + log);
    }
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(
        new SecretKeySpec(HexFormat.of().parseHex(Files.readString(keyFile).trim()), "HmacSHA256"));
    String secret = HexFormat.of().formatHex(mac.doFinal(uid.getBytes(StandardCharsets.UTF_8)));
    return "127.0.0.1:" + port.group(1) + " " + secret;
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(url + path))
        .header("Authorization", "Bearer " + token);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void row(String what, String a, String b) {
    System.out.printf(Locale.ROOT, "| %-40s | %9s | %9s |%n", what, a, b);
  }

  private static void latency(String what, List<Double> samples) {
    System.out.printf(
        Locale.ROOT,
        "| %-40s | %9.3f | %9.3f |%n",
        what,
        SubmitLatencyBench.pct(samples, 50),
        SubmitLatencyBench.pct(samples, 99));
  }

  /** A kernel's channels over one WebSocket; measures execute_request to execute_reply. */
  private static final class Channels implements AutoCloseable {
    private final WebSocket socket;
    private final BlockingQueue<JsonNode> replies = new LinkedBlockingQueue<>();
    private final String session = UUID.randomUUID().toString();

    Channels(String kernelUrl, Map<String, String> headers) {
      WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
      headers.forEach(builder::header);
      socket =
          builder
              .buildAsync(
                  URI.create(kernelUrl + "/channels?session_id=" + session),
                  new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(
                        WebSocket webSocket, CharSequence data, boolean last) {
                      text.append(data);
                      if (last) {
                        JsonNode message = JSON.readTree(text.toString());
                        text.setLength(0);
                        if ("execute_reply"
                            .equals(message.path("header").path("msg_type").asString())) {
                          replies.add(message);
                        }
                      }
                      webSocket.request(1);
                      return null;
                    }
                  })
              .join();
    }

    double roundTrip() throws InterruptedException {
      String id = UUID.randomUUID().toString();
      String message =
          JSON.writeValueAsString(
              Map.of(
                  "header",
                  Map.of(
                      "msg_id",
                      id,
                      "username",
                      "bench",
                      "session",
                      session,
                      "msg_type",
                      "execute_request",
                      "version",
                      "5.3"),
                  "parent_header",
                  Map.of(),
                  "metadata",
                  Map.of(),
                  "content",
                  Map.of(
                      "code",
                      "pass",
                      "silent",
                      false,
                      "store_history",
                      false,
                      "user_expressions",
                      Map.of(),
                      "allow_stdin",
                      false,
                      "stop_on_error",
                      true),
                  "channel",
                  "shell",
                  "buffers",
                  List.of()));
      long start = System.nanoTime();
      socket.sendText(message, true).join();
      while (true) {
        JsonNode reply = replies.poll(60, TimeUnit.SECONDS);
        if (reply == null) {
          throw new IllegalStateException("No execute_reply within 60 s");
        }
        if (id.equals(reply.path("parent_header").path("msg_id").asString())) {
          return (System.nanoTime() - start) / 1e6;
        }
      }
    }

    @Override
    public void close() {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null).join();
    }
  }
}
