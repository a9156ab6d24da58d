package io.capstan.serving.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.capstan.api.gateway.GatewayReport;
import io.capstan.api.gateway.GatewaySnapshot;
import io.capstan.serving.ReplicaSecret;
import io.capstan.serving.ServerOptions;
import io.capstan.serving.TestingModels;
import io.capstan.serving.TestingServer;
import io.capstan.serving.grpc.MlpRequests;
import io.capstan.serving.grpc.v2.GRPCInferenceServiceGrpc;
import io.capstan.serving.grpc.v2.ModelInferResponse;
import io.capstan.serving.grpc.v2.ServerLiveRequest;
import io.capstan.serving.grpc.v2.ServerReadyRequest;
import io.capstan.serving.model.ModelSpec;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The gateway process's data path against a real model server that requires its secret, fed by a
 * stand-in for the control plane's internal endpoint: both protocols, the refusals, the error
 * counts it reports, revocation, and serving from the kept snapshot with no control plane.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayIT {
  private static final String SECRET = "replica-secret-1";
  private static final String ALICE = "alice-token";
  private static final String BOB = "bob-token";

  private final HttpClient http = HttpClient.newHttpClient();
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private Path stateDir;
  private TestingServer replica;
  private TestingControlPlane controlPlane;
  private Gateway gateway;
  private int closedPort;
  private HttpServer draining;
  private HttpServer chunked;
  private final AtomicInteger drainingCalls = new AtomicInteger();
  private final String big = "0123456789abcdef".repeat(64 * 1024);

  @BeforeAll
  void start() throws Exception {
    replica =
        new TestingServer(
            ServerOptions.of(List.of(new ModelSpec("mlp", 1, TestingModels.mlp())))
                .withSecret(ReplicaSecret.of(SECRET)));
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    draining =
        standIn(
            exchange -> {
              drainingCalls.incrementAndGet();
              byte[] body = "{\"error\":\"draining\"}".getBytes(StandardCharsets.UTF_8);
              exchange.sendResponseHeaders(503, body.length);
              exchange.getResponseBody().write(body);
            });
    chunked =
        standIn(
            exchange -> {
              // Length 0: a chunked answer, written in pieces.
              exchange.sendResponseHeaders(200, 0);
              byte[] bytes = big.getBytes(StandardCharsets.UTF_8);
              for (int at = 0; at < bytes.length; at += 100_000) {
                exchange.getResponseBody().write(bytes, at, Math.min(100_000, bytes.length - at));
                exchange.getResponseBody().flush();
              }
            });
    stateDir = Files.createTempDirectory("capstan-gateway-it");
    controlPlane = new TestingControlPlane(stateDir, snapshot("v1", true));
    gateway = startGateway();
    await().atMost(Duration.ofSeconds(10)).until(() -> healthz().contains("v1"));
  }

  @AfterAll
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    controlPlane.close();
    replica.close();
    draining.stop(0);
    chunked.stop(0);
  }

  /** A stand-in replica on loopback answering every request with {@code handler}. */
  private static HttpServer standIn(HttpHandler handler) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            exchange.getRequestBody().readAllBytes();
            handler.handle(exchange);
          }
        });
    server.start();
    return server;
  }

  private Gateway startGateway() throws Exception {
    return new Gateway(
        GatewayOptions.parse(
            "--state-dir", stateDir.toString(), "--http-port", "0", "--grpc-port", "0"),
        new PrintStream(log, true, StandardCharsets.UTF_8));
  }

  /** Service ml/churn on the replica; ml/empty with no replica; ml/gone whose replica is down. */
  private GatewaySnapshot snapshot(String version, boolean bobMayCall) {
    GatewaySnapshot.Backend live =
        new GatewaySnapshot.Backend(
            "job-a",
            1,
            "127.0.0.1",
            replica.server().httpPort(),
            replica.server().grpcPort(),
            SECRET);
    // Listed first, the draining stand-in is tried first (both idle); its 503 sends the request on.
    GatewaySnapshot.Backend drainingBackend =
        new GatewaySnapshot.Backend(
            "job-c", 2, "127.0.0.1", draining.getAddress().getPort(), closedPort, null);
    GatewaySnapshot.Backend chunkedBackend =
        new GatewaySnapshot.Backend(
            "job-d", 2, "127.0.0.1", chunked.getAddress().getPort(), closedPort, null);
    GatewaySnapshot.Backend down =
        new GatewaySnapshot.Backend("job-b", 7, "127.0.0.1", closedPort, closedPort, SECRET);
    List<GatewaySnapshot.Grant> grants = new ArrayList<>();
    grants.add(new GatewaySnapshot.Grant(RoutingTable.sha256(ALICE), false, List.of("ml")));
    if (bobMayCall) {
      grants.add(
          new GatewaySnapshot.Grant(RoutingTable.sha256(BOB), false, List.of("other", "ml")));
    }
    return new GatewaySnapshot(
        version,
        List.of(
            new GatewaySnapshot.Service("ml", "churn", 1, 0, List.of(live), List.of()),
            new GatewaySnapshot.Service("ml", "empty", 3, 0, List.of(), List.of()),
            new GatewaySnapshot.Service("ml", "gone", 7, 0, List.of(down), List.of()),
            new GatewaySnapshot.Service(
                "ml", "streamed", 2, 0, List.of(drainingBackend, chunkedBackend), List.of()),
            new GatewaySnapshot.Service("other", "secret", 1, 0, List.of(live), List.of())),
        grants);
  }

  @Test
  void aReplicaWithASecretRefusesDirectCallsOnBothProtocols() {
    for (String path : List.of("/v2/models/mlp", "/v2/health/ready", "/metrics")) {
      HttpResponse<String> bare = replica.get(path);
      assertThat(bare.statusCode()).as(path).isEqualTo(401);
      assertThat(bare.body())
          .as(path)
          .contains("Expected the replica's secret")
          .doesNotContain(SECRET);
    }
    HttpResponse<String> wrong =
        replica.send(
            HttpRequest.newBuilder(replica.uri("/v2/models/mlp"))
                .header("Authorization", "Bearer not-it")
                .build());
    assertThat(wrong.statusCode()).isEqualTo(401);
    HttpResponse<String> right =
        replica.send(
            HttpRequest.newBuilder(replica.uri("/v2/models/mlp"))
                .header("Authorization", "Bearer " + SECRET)
                .build());
    assertThat(right.statusCode()).isEqualTo(200);

    StatusRuntimeException refused =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> replica.grpc().modelInfer(MlpRequests.zeros("d", 1)));
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    Metadata secret = new Metadata();
    secret.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + SECRET);
    ModelInferResponse answer =
        replica
            .grpc()
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(secret))
            .modelInfer(MlpRequests.zeros("d", 1));
    assertThat(answer.getModelName()).isEqualTo("mlp");
  }

  @Test
  void throughTheGatewayBothProtocolsAnswerWithTheVersionThatAnswered() {
    float[] input = TestingModels.reference().flatInput();
    HttpResponse<String> answer =
        post(ALICE, "/serving/ml/churn/v2/models/mlp/infer", TestingServer.inferBody("g", input));
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(answer.headers().firstValue("capstan-model-version")).hasValue("1");
    assertThat(answer.body()).contains("\"model_name\":\"mlp\"");

    AtomicReference<Metadata> headers = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    try (Channel channel = new Channel(gateway.grpcPort())) {
      ModelInferResponse grpc =
          channel
              .stub(ALICE, "ml", "churn")
              .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
              .modelInfer(MlpRequests.zeros("g", 3));
      assertThat(grpc.getOutputs(0).getShapeList()).containsExactly(3L, 1L);
      assertThat(
              headers
                  .get()
                  .get(Metadata.Key.of("capstan-model-version", Metadata.ASCII_STRING_MARSHALLER)))
          .isEqualTo("1");
    }
  }

  @Test
  void tritonsBinaryTensorDataPassesThroughTheGatewayBothWays() throws Exception {
    TestingModels.Reference reference = TestingModels.reference();
    TestingServer.BinaryBody body = TestingServer.BinaryBody.of(reference.flatInput());

    HttpResponse<byte[]> response =
        http.send(
            HttpRequest.newBuilder(gatewayUri("/serving/ml/churn/v2/models/mlp/infer"))
                .header("Authorization", "Bearer " + ALICE)
                .header("Content-Type", "application/octet-stream")
                .header("Inference-Header-Content-Length", Integer.toString(body.jsonLength()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.body()))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    float[] expected = reference.flatOutput();
    float[] values = TestingServer.BinaryBody.output(response);
    for (int i = 0; i < expected.length; i++) {
      assertThat(values[i]).isCloseTo(expected[i], within(1e-5f));
    }
  }

  @Test
  void aDrainingReplicasAnswerSendsTheRequestOnAndALongChunkedAnswerStreamsThrough() {
    int before = drainingCalls.get();
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> response = get(ALICE, "/serving/ml/streamed/v2/models/big");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("capstan-model-version")).contains("2");
      assertThat(response.body()).hasSize(big.length()).isEqualTo(big);
    }
    assertThat(drainingCalls.get() - before).isEqualTo(5);
  }

  @Test
  void grpcHealthIsAnsweredByTheGatewayWithoutMetadataButNothingElseIs() {
    try (Channel channel = new Channel(gateway.grpcPort())) {
      assertThat(channel.bare().serverLive(ServerLiveRequest.getDefaultInstance()).getLive())
          .isTrue();
      assertThat(channel.bare().serverReady(ServerReadyRequest.getDefaultInstance()).getReady())
          .isTrue();
      StatusRuntimeException refused =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () -> channel.bare().modelInfer(MlpRequests.zeros("h", 1)));
      assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(refused.getStatus().getDescription()).contains("capstan-project");
    }
  }

  @Test
  void callersWithoutATokenOrOutsideTheProjectAreRefused() {
    assertThat(get(null, "/serving/ml/churn/v2/models/mlp").statusCode()).isEqualTo(401);
    assertThat(get("nobody", "/serving/ml/churn/v2/models/mlp").statusCode()).isEqualTo(401);
    HttpResponse<String> stranger = get(ALICE, "/serving/other/secret/v2/models/mlp");
    assertThat(stranger.statusCode()).isEqualTo(404);
    assertThat(stranger.body()).contains("not found in project 'other'");
    assertThat(get(ALICE, "/serving/ml/nope/v2/models/mlp").statusCode()).isEqualTo(404);
    assertThat(get(ALICE, "/elsewhere").statusCode()).isEqualTo(404);

    try (Channel channel = new Channel(gateway.grpcPort())) {
      assertThat(grpcStatus(channel.stub("nobody", "ml", "churn")))
          .isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(grpcStatus(channel.stub(ALICE, "other", "secret")))
          .isEqualTo(Status.Code.NOT_FOUND);
      assertThat(grpcStatus(channel.stub(ALICE, null, null)))
          .isEqualTo(Status.Code.INVALID_ARGUMENT);
    }
  }

  @Test
  void everyFailedRequestIsCountedAgainstItsVersion() {
    // Requests of earlier tests are in a report the gateway sends within a second; two reports
    // later every one of them has been counted, and what follows is this test's own traffic.
    int mark = controlPlane.reports().size();
    await().atMost(Duration.ofSeconds(10)).until(() -> controlPlane.reports().size() >= mark + 2);
    long before = controlPlane.reports().size();
    String body = TestingServer.inferBody("e", TestingModels.reference().flatInput());
    assertThat(post(ALICE, "/serving/ml/churn/v2/models/mlp/infer", body).statusCode())
        .isEqualTo(200);
    assertThat(post(ALICE, "/serving/ml/churn/v2/models/mlp/infer", "{\"inputs\":[]}").statusCode())
        .isEqualTo(400);
    assertThat(get(ALICE, "/serving/ml/churn/v2/models/nope").statusCode()).isEqualTo(404);
    assertThat(post(ALICE, "/serving/ml/empty/v2/models/mlp/infer", body).statusCode())
        .isEqualTo(503);
    assertThat(post(ALICE, "/serving/ml/gone/v2/models/mlp/infer", body).statusCode())
        .isEqualTo(502);
    try (Channel channel = new Channel(gateway.grpcPort())) {
      assertThat(grpcStatus(channel.stub(ALICE, "ml", "gone"))).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(grpcStatus(channel.stub(ALICE, "ml", "empty"))).isEqualTo(Status.Code.UNAVAILABLE);
    }

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              Map<String, long[]> totals =
                  totals(
                      controlPlane.reports().subList((int) before, controlPlane.reports().size()));
              assertThat(totals.get("ml/churn/1")).containsExactly(3, 2);
              assertThat(totals.get("ml/empty/3")).containsExactly(2, 2);
              assertThat(totals.get("ml/gone/7")).containsExactly(2, 2);
            });
  }

  @Test
  void aRevokedTokenIsRefusedOnceTheNextSnapshotArrives() {
    assertThat(get(BOB, "/serving/ml/churn/v2/models/mlp").statusCode()).isEqualTo(200);
    controlPlane.publish(snapshot("v2", false));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> get(BOB, "/serving/ml/churn/v2/models/mlp").statusCode() == 401);
    controlPlane.publish(snapshot("v3", true));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> get(BOB, "/serving/ml/churn/v2/models/mlp").statusCode() == 200);
  }

  @Test
  void aGatewayStartedWithoutItsControlPlaneServesWithTheKeptSnapshot() throws Exception {
    Path kept = stateDir.resolve(Gateway.SNAPSHOT_FILE);
    await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(kept));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kept)))
        .isEqualTo("rw-------");
    Path elsewhere = Files.createTempDirectory("capstan-gateway-kept");
    Files.copy(kept, elsewhere.resolve(Gateway.SNAPSHOT_FILE));
    Files.writeString(elsewhere.resolve(Gateway.KEY_FILE), "k\n");
    Files.writeString(
        elsewhere.resolve(Gateway.CONTROL_PLANE_FILE), "http://127.0.0.1:" + closedPort + "\n");
    try (Gateway alone =
        new Gateway(
            GatewayOptions.parse(
                "--state-dir", elsewhere.toString(), "--http-port", "0", "--grpc-port", "0"),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
      HttpResponse<String> answer =
          send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:"
                              + alone.httpPort()
                              + "/serving/ml/churn/v2/models/mlp/infer"))
                  .header("Authorization", "Bearer " + ALICE)
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          TestingServer.inferBody("k", TestingModels.reference().flatInput())))
                  .build());
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }
  }

  private static Map<String, long[]> totals(List<GatewayReport> reports) {
    Map<String, long[]> totals = new java.util.HashMap<>();
    for (GatewayReport report : reports) {
      for (GatewayReport.VersionCounts counts : report.versions()) {
        long[] sum =
            totals.computeIfAbsent(
                counts.project() + "/" + counts.service() + "/" + counts.version(),
                k -> new long[2]);
        sum[0] += counts.requests();
        sum[1] += counts.errors();
      }
    }
    return totals;
  }

  private static Status.Code grpcStatus(
      GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub) {
    try {
      stub.modelInfer(MlpRequests.request("", 1).build());
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  private String healthz() {
    return get(null, "/healthz").body();
  }

  private HttpResponse<String> get(String token, String path) {
    HttpRequest.Builder request = HttpRequest.newBuilder(gatewayUri(path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return send(request.build());
  }

  private HttpResponse<String> post(String token, String path, String body) {
    return send(
        HttpRequest.newBuilder(gatewayUri(path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  private URI gatewayUri(String path) {
    return URI.create("http://127.0.0.1:" + gateway.httpPort() + path);
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A gRPC channel to the gateway. */
  private static final class Channel implements AutoCloseable {
    private final ManagedChannel channel;

    Channel(int port) {
      channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    /** A stub that sends no metadata at all, as a client's health check does. */
    GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub bare() {
      return GRPCInferenceServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub(
        String token, String project, String service) {
      Metadata headers = new Metadata();
      headers.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
      if (project != null) {
        headers.put(Metadata.Key.of("capstan-project", Metadata.ASCII_STRING_MARSHALLER), project);
        headers.put(Metadata.Key.of("capstan-service", Metadata.ASCII_STRING_MARSHALLER), service);
      }
      return GRPCInferenceServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    @Override
    public void close() {
      channel.shutdownNow();
    }
  }
}
