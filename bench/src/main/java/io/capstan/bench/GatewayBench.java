package io.capstan.bench;

import io.capstan.serving.NettyTransport;
import io.capstan.serving.grpc.v2.GRPCInferenceServiceGrpc;
import io.capstan.serving.grpc.v2.ModelInferRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The serving gateway's cost: the same serving replica (one {@code capstan model-server} started by
 * a real control plane for an InferenceService) called directly (with its secret), through a bare
 * TCP relay (the floor of any proxy on this machine) and through the gateway process, over HTTP and
 * gRPC, at concurrency 1, 8 and 64, in one run.
 *
 * <pre>
 * ./mvnw -q -pl bench -am -DskipTests package exec:java -Dexec.mainClass=io.capstan.bench.GatewayBench
 * </pre>
 */
public final class GatewayBench {
  private static final int[] LEVELS = {1, 8, 64};
  private static final String PROJECT = "default";
  private static final String SERVICE = "bench";

  private final Duration warmUp;
  private final Duration measured;
  private final Map<String, LoadRun.Result> results = new LinkedHashMap<>();

  private GatewayBench(Duration warmUp, Duration measured) {
    this.warmUp = warmUp;
    this.measured = measured;
  }

  public static void main(String[] args) throws Exception {
    GatewayBench bench =
        new GatewayBench(
            Duration.ofMillis(CommandLine.intValue(args, "--warmup-ms", 1000)),
            Duration.ofMillis(CommandLine.intValue(args, "--run-ms", 3000)));
    Path home = TrainedMlp.home();
    Path work = Files.createTempDirectory("capstan-gateway-bench");
    TrainedMlp.train(home, work);
    int port = freePort();
    int grpcPort = freePort();
    int gatewayHttp = freePort();
    Process server =
        new ProcessBuilder(
                "java",
                "-Dcapstan.home=" + home,
                "-Dcapstan.serving.grpc-port=" + grpcPort,
                "-Dcapstan.serving.gateway.http-port=" + gatewayHttp,
                "-Dcapstan.runtime.local.cgroups=off",
                "-jar",
                home.resolve("capstan-server/target/capstan-server.jar").toString(),
                "--port",
                Integer.toString(port),
                "--data-dir",
                work.resolve("server").toString())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("server.log").toFile())
            .start();
    String url = "http://127.0.0.1:" + port;
    String token = null;
    try {
      waitForHealth(url, Duration.ofSeconds(CommandLine.intValue(args, "--start-s", 300)));
      token = Files.readString(work.resolve("server/admin.token")).trim();
      Api api = new Api(url, token);
      api.send(
          "POST",
          "/api/v1/projects/default/models/mlp/versions",
          "application/octet-stream",
          HttpRequest.BodyPublishers.ofFile(work.resolve("output/model.onnx")),
          201);
      api.send(
          "POST",
          "/api/v1/projects/default/services",
          "application/json",
          HttpRequest.BodyPublishers.ofString(
              "{\"name\":\"" + SERVICE + "\",\"model\":\"mlp:1\",\"resources\":{\"cpu\":\"1\"}}"),
          201);
      Path ports = api.awaitReplicaPorts(work.resolve("server"));
      Map<String, Integer> replica = readPorts(ports);
      String secret = replicaSecret(work.resolve("server"), ports);
      bench.measureAll(
          gatewayHttp, grpcPort, token, replica.get("http"), replica.get("grpc"), secret);
      bench.print();
    } finally {
      // Replicas outlive a stopped control plane (it adopts them again when it starts): deleting
      // the service stops them, and what has not exited after their drain is stopped here.
      List<ProcessHandle> replicas = server.descendants().toList();
      if (token != null) {
        new Api(url, token)
            .send(
                "DELETE",
                "/api/v1/projects/default/services/" + SERVICE,
                null,
                HttpRequest.BodyPublishers.noBody(),
                204);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (replicas.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
          Thread.sleep(200);
        }
      }
      server.destroy();
      server.waitFor(30, TimeUnit.SECONDS);
      replicas.forEach(ProcessHandle::destroyForcibly);
      // The gateway outlives the control plane by design: stop it too.
      Path pid = work.resolve("server/gateway/gateway.pid");
      if (Files.exists(pid)) {
        ProcessHandle.of(Long.parseLong(Files.readString(pid).trim()))
            .ifPresent(ProcessHandle::destroy);
      }
    }
  }

  /**
   * The replica's secret, derived as the control plane derives it (HMAC-SHA256 of the job's uid
   * under the data dir's serving.key), so the direct rows pay the same secret check.
   */
  private static String replicaSecret(Path dataDir, Path ports) throws Exception {
    String replica = ports.getParent().getFileName().toString();
    String jobUid = replica.substring(0, replica.lastIndexOf(".worker-"));
    byte[] key = HexFormat.of().parseHex(Files.readString(dataDir.resolve("serving.key")).trim());
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(jobUid.getBytes(StandardCharsets.UTF_8)));
  }

  private void measureAll(
      int gatewayPort,
      int gatewayGrpc,
      String token,
      int replicaHttp,
      int replicaGrpc,
      String secret)
      throws Exception {
    ServingPayload payload = TrainedMlp.payload();
    byte[] json = payload.json();
    String auth = "Authorization: Bearer " + token + "\r\n";
    String direct = "Authorization: Bearer " + secret + "\r\n";
    ModelInferRequest request = payload.grpc();
    Metadata secretHeaders = new Metadata();
    secretHeaders.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + secret);
    NettyTransport transport = NettyTransport.choose(false);
    try (TcpRelay httpRelay =
            new TcpRelay(transport, new InetSocketAddress("127.0.0.1", replicaHttp));
        TcpRelay grpcRelay =
            new TcpRelay(transport, new InetSocketAddress("127.0.0.1", replicaGrpc))) {
      measureAll(
          gatewayPort,
          gatewayGrpc,
          auth,
          direct,
          json,
          request,
          secretHeaders,
          replicaHttp,
          replicaGrpc,
          httpRelay.port(),
          grpcRelay.port(),
          token);
    }
  }

  private void measureAll(
      int gatewayPort,
      int gatewayGrpc,
      String auth,
      String direct,
      byte[] json,
      ModelInferRequest request,
      Metadata secretHeaders,
      int replicaHttp,
      int replicaGrpc,
      int relayHttp,
      int relayGrpc,
      String token)
      throws Exception {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    headers.put(Metadata.Key.of("capstan-project", Metadata.ASCII_STRING_MARSHALLER), PROJECT);
    headers.put(Metadata.Key.of("capstan-service", Metadata.ASCII_STRING_MARSHALLER), SERVICE);
    awaitGateway(gatewayPort, json, auth);
    String gatewayPath = "/serving/" + PROJECT + "/" + SERVICE + "/v2/models/mlp/infer";
    List<ManagedChannel> channels = new CopyOnWriteArrayList<>();
    Map<String, Supplier<Callable<?>>> paths = new LinkedHashMap<>();
    paths.put(
        "HTTP direct to the replica",
        () ->
            new KeepAliveHttp("127.0.0.1", replicaHttp, "/v2/models/mlp/infer", json, direct)
                ::post);
    paths.put(
        "HTTP through a bare TCP relay (floor)",
        () ->
            new KeepAliveHttp("127.0.0.1", relayHttp, "/v2/models/mlp/infer", json, direct)::post);
    paths.put(
        "HTTP through the gateway",
        () -> new KeepAliveHttp("127.0.0.1", gatewayPort, gatewayPath, json, auth)::post);
    paths.put("gRPC direct to the replica", grpc(replicaGrpc, secretHeaders, request, channels));
    paths.put(
        "gRPC through a bare TCP relay (floor)", grpc(relayGrpc, secretHeaders, request, channels));
    paths.put("gRPC through the gateway", grpc(gatewayGrpc, headers, request, channels));
    try {
      // Warm every path (JIT of the gateway and the replica), then measure level by level with
      // the paths side by side, so that a change of the machine's load between paths (other
      // builds share its two cores) shows in every row alike.
      for (int pass = 0; pass < 2; pass++) {
        boolean record = pass == 1;
        for (int level : LEVELS) {
          for (Map.Entry<String, Supplier<Callable<?>>> path : paths.entrySet()) {
            LoadRun.Result result =
                LoadRun.run(
                    level,
                    path.getValue(),
                    record ? warmUp : Duration.ofMillis(200),
                    record ? measured : Duration.ofMillis(500));
            if (record) {
              results.put(path.getKey() + "|" + level, result);
            }
          }
        }
      }
    } finally {
      channels.forEach(ManagedChannel::shutdownNow);
    }
  }

  /** One gRPC client per caller, each on a channel of its own, calling with {@code headers}. */
  private static Supplier<Callable<?>> grpc(
      int port, Metadata headers, ModelInferRequest request, List<ManagedChannel> channels) {
    return () -> {
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
      channels.add(channel);
      var stub =
          GRPCInferenceServiceGrpc.newBlockingStub(channel)
              .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
      return () -> stub.modelInfer(request);
    };
  }

  /**
   * Waits until the control plane answers its health check: on the shared 2-core machine a start
   * has taken more than the 90 s other benches allow, so this one waits {@code --start-s}.
   */
  private static void waitForHealth(String url, Duration within) throws InterruptedException {
    HttpClient client = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (client
                .send(
                    HttpRequest.newBuilder(URI.create(url + "/api/v1/health")).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          return;
        }
      } catch (java.io.IOException e) {
        // not up yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        "Expected the control plane at " + url + " to be healthy within " + within + ", but not");
  }

  /** Waits until the gateway has the service's route (its snapshot follows the control plane). */
  private static void awaitGateway(int port, byte[] json, String auth) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        new KeepAliveHttp(
                "127.0.0.1",
                port,
                "/serving/" + PROJECT + "/" + SERVICE + "/v2/models/mlp/infer",
                json,
                auth)
            .post();
        return;
      } catch (Exception e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  private void print() {
    System.out.println();
    System.out.println(
        "| path | c=1 p50 us | p99 | req/s | c=8 p50 us | p99 | req/s | c=64 p50 us | p99 | req/s |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    List<String> labels = new ArrayList<>();
    results
        .keySet()
        .forEach(
            key -> {
              String label = key.substring(0, key.indexOf('|'));
              if (!labels.contains(label)) {
                labels.add(label);
              }
            });
    for (String label : labels) {
      StringBuilder line = new StringBuilder("| " + label + " |");
      for (int level : LEVELS) {
        LoadRun.Result r = results.get(label + "|" + level);
        line.append(
            String.format(Locale.ROOT, " %.0f | %.0f | %.0f |", r.p50(), r.p99(), r.perSecond()));
      }
      System.out.println(line);
    }
    System.out.println();
    System.out.println("| ratio | c=1 | c=8 | c=64 |");
    System.out.println("|---|---:|---:|---:|");
    for (String protocol : new String[] {"HTTP", "gRPC"}) {
      StringBuilder added =
          new StringBuilder("| " + protocol + ": gateway p50 - direct p50 (us) |");
      StringBuilder rate = new StringBuilder("| " + protocol + ": gateway / direct req/s |");
      StringBuilder floorAdded =
          new StringBuilder("| " + protocol + ": relay (floor) p50 - direct p50 (us) |");
      StringBuilder floorRate =
          new StringBuilder("| " + protocol + ": relay (floor) / direct req/s |");
      for (int level : LEVELS) {
        LoadRun.Result direct = results.get(protocol + " direct to the replica|" + level);
        LoadRun.Result gateway = results.get(protocol + " through the gateway|" + level);
        LoadRun.Result floor = results.get(protocol + " through a bare TCP relay (floor)|" + level);
        added.append(String.format(Locale.ROOT, " %.0f |", gateway.p50() - direct.p50()));
        rate.append(
            String.format(Locale.ROOT, " %.2f |", gateway.perSecond() / direct.perSecond()));
        floorAdded.append(String.format(Locale.ROOT, " %.0f |", floor.p50() - direct.p50()));
        floorRate.append(
            String.format(Locale.ROOT, " %.2f |", floor.perSecond() / direct.perSecond()));
      }
      System.out.println(added);
      System.out.println(rate);
      System.out.println(floorAdded);
      System.out.println(floorRate);
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** The ports in the model server's line "model server listening on HOST: http N, grpc M". */
  private static Map<String, Integer> readPorts(Path output) throws Exception {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("model server listening on .*: http (\\d+), grpc (\\d+)")
            .matcher(Files.readString(output));
    if (!m.find()) {
      throw new IllegalStateException(
          "Expected the model server's listening line in " + output + ", but found none");
    }
    return Map.of("http", Integer.parseInt(m.group(1)), "grpc", Integer.parseInt(m.group(2)));
  }

  /** The control plane's REST API as the admin. */
  private record Api(String url, String token) {
    String send(
        String method, String path, String type, HttpRequest.BodyPublisher body, int expected)
        throws Exception {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(url + path))
              .header("Authorization", "Bearer " + token)
              .method(method, body);
      if (type != null) {
        request.header("Content-Type", type);
      }
      HttpResponse<String> response =
          HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != expected) {
        throw new IllegalStateException(
            method + " " + path + " answered " + response.statusCode() + ": " + response.body());
      }
      return response.body();
    }

    /** Waits until the service is Ready and returns its one replica's ports file. */
    Path awaitReplicaPorts(Path dataDir) throws Exception {
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (System.nanoTime() < deadline) {
        String service =
            send(
                "GET",
                "/api/v1/projects/default/services/" + SERVICE,
                null,
                HttpRequest.BodyPublishers.noBody(),
                200);
        if (service.contains("\"phase\":\"Ready\"")) {
          // The local runtime's folder of each replica holds its output, where the model server
          // says which ports it listens on.
          try (var replicas = Files.list(dataDir.resolve("runtime/replicas"))) {
            for (Path replica : replicas.toList()) {
              Path output = replica.resolve("output.log");
              if (Files.isRegularFile(output)
                  && Files.readString(output).contains("model server ready")) {
                return output;
              }
            }
          }
        }
        Thread.sleep(500);
      }
      throw new IllegalStateException("the service did not become ready within 3 minutes");
    }
  }
}
