package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.server.CapstanServer;
import io.capstan.server.job.ReplicaObservations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The whole serving path, as a user lives it: two DDP training jobs export ONNX models, both are
 * registered as versions of model {@code churn}, a service serves version 1 with two replicas,
 * answers over HTTP and gRPC with the numbers PyTorch computed inside the job, sends 20% of
 * requests to a canary, is promoted and rolled back under continuous load without one failed
 * request, and survives a replica killed under load. Requests go through the gateway process the
 * control plane starts; a replica's own ports answer only with its secret.
 */
@SpringBootTest(
    classes = CapstanServer.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServingIT {
  private static final Path DATA = ServerFixture.newDataDir("capstan-serving-it");
  private static final Path EXAMPLES = ServerFixture.repository().resolve("examples");
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String PROJECT = "ml";
  private static final String SERVICES = "/api/v1/projects/" + PROJECT + "/services";
  private static final String SERVICE = SERVICES + "/churn";
  private static final String GATEWAY = "/serving/" + PROJECT + "/churn";
  private static final double TOLERANCE = 1e-5;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("capstan.data-dir", DATA::toString);
    registry.add("capstan.home", () -> ServerFixture.repository().toString());
    registry.add("capstan.stop-grace-period", () -> "3s");
    registry.add("capstan.runtime.local.cgroups", () -> "off");
    registry.add("capstan.serving.scale-down-window", () -> "3s");
    registry.add("capstan.serving.gateway.launch", () -> "auto");
    registry.add("capstan.serving.gateway.stop-with-server", () -> "true");
  }

  /** Errors the gateway counted before the first request it answered (see the first test). */
  private static long errorsAtStart;

  @Autowired private ReplicaObservations observations;

  @Value("${local.server.port}")
  int port;

  private TestingHttp http;
  private TestingHttp gateway;
  private String gatewayBase;
  private String alice;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Reference first;
  private Reference second;

  /** Inputs and the outputs PyTorch computed for them, as the training job wrote them. */
  record Reference(JsonNode input, JsonNode output) {}

  @BeforeAll
  void trainAndRegisterTwoVersions() {
    http = new TestingHttp("http://127.0.0.1:" + port);
    alice = ServerFixture.userWithProject(http, ServerFixture.adminToken(DATA), "alice", PROJECT);
    first = trainAndRegister("train-a", "2", 1);
    second = trainAndRegister("train-b", "4", 2);
  }

  @AfterAll
  void deleteTheService() {
    if (http != null) {
      http.delete(alice, SERVICE);
    }
  }

  @Test
  @Order(1)
  void aServiceAnswersOverHttpWithTheNumbersPyTorchComputed() {
    TestingHttp.Answer created =
        http.post(
            alice,
            SERVICES,
            "application/json",
            "{\"name\":\"churn\",\"model\":\"churn:1\",\"minReplicas\":2,"
                + "\"resources\":{\"cpu\":\"250m\",\"memory\":\"512Mi\"}}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    awaitService(service -> phase(service).equals("Ready") && ready(service, "stable", 1) == 2);
    String httpPath =
        JSON.readTree(http.get(alice, SERVICE).body()).get("status").get("httpPath").asString();
    assertThat(httpPath).startsWith("http://127.0.0.1:").endsWith(GATEWAY);
    gatewayBase = httpPath.substring(0, httpPath.length() - GATEWAY.length());
    gateway = new TestingHttp(gatewayBase);
    // Ready in the API can come before the gateway answers for the service (a snapshot refresh);
    // a first request that failed then is counted, and later counts are taken relative to it.
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> gateway.get(alice, GATEWAY + "/v2/models/churn").status() == 200);
    // The gateway reports its counts every second: wait for the answered request to be in them.
    awaitService(service -> versionRow(service, "stable", 1).get("requests").asLong() >= 1);
    errorsAtStart =
        versionRow(JSON.readTree(http.get(alice, SERVICE).body()), "stable", 1)
            .get("errors")
            .asLong();

    JsonNode answer = infer(first.input());

    assertThat(answer.get("model_name").asString()).isEqualTo("churn");
    assertThat(answer.get("model_version").asString()).isEqualTo("1");
    assertClose(answer.get("outputs").get(0).get("data"), first.output());
  }

  @Test
  @Order(2)
  void badRequestsGetV2ErrorsAndOtherProjectsSeeNothing() throws Exception {
    TestingHttp.Answer wrongShape =
        gateway.post(
            alice,
            GATEWAY + "/v2/models/churn/infer",
            "application/json",
            "{\"inputs\":[{\"name\":\""
                + inputName()
                + "\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}");
    assertThat(wrongShape.status()).isEqualTo(400);
    assertThat(JSON.readTree(wrongShape.body()).get("error").asString()).isNotBlank();

    TestingHttp.Answer noToken = gateway.get(null, GATEWAY + "/v2/models/churn");
    assertThat(noToken.status()).isEqualTo(401);
    assertThat(JSON.readTree(noToken.body()).get("error").asString()).contains("Authorization");

    String bob =
        ServerFixture.userWithProject(http, ServerFixture.adminToken(DATA), "bob", "other");
    // A new token reaches the gateway with its next snapshot (within about half a second).
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> gateway.get(bob, GATEWAY + "/v2/models/churn").status(), s -> s != 401);
    TestingHttp.Answer stranger = gateway.get(bob, GATEWAY + "/v2/models/churn");
    assertThat(stranger.status()).isEqualTo(404);
    assertThat(http.get(bob, SERVICE).status()).isEqualTo(404);

    TestingHttp.Answer unknown =
        gateway.get(alice, "/serving/" + PROJECT + "/nope/v2/models/churn");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.body()).get("error").asString()).contains("nope");

    // The control plane's old path points at the gateway.
    TestingHttp.Answer moved = http.get(alice, GATEWAY + "/v2/models/churn");
    assertThat(moved.status()).isEqualTo(307);
    assertThat(JSON.readTree(moved.body()).get("error").asString())
        .contains(gatewayBase + GATEWAY + "/v2/models/churn");

    // A deleted token is refused at the gateway within about half a second (decision 58).
    TestingHttp.Answer made =
        http.post(alice, "/api/v1/users/alice/tokens", "application/json", "{\"name\":\"short\"}");
    assertThat(made.status()).as(made.body()).isEqualTo(201);
    JsonNode shortLived = JSON.readTree(made.body());
    String secret = shortLived.get("token").asString();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> gateway.get(secret, GATEWAY + "/v2/models/churn").status() == 200);
    assertThat(
            http.delete(alice, "/api/v1/users/alice/tokens/" + shortLived.get("id").asString())
                .status())
        .isEqualTo(204);
    await()
        .atMost(Duration.ofSeconds(3))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> gateway.get(secret, GATEWAY + "/v2/models/churn").status() == 401);

    // The request the replica refused (400) is counted as an error of the version that answered;
    // the gateway's refusals of unknown callers and services are not counted against any.
    awaitService(
        service -> versionRow(service, "stable", 1).get("errors").asLong() == errorsAtStart + 1);

    TestingHttp.Answer badSpec =
        http.post(alice, SERVICES, "application/json", "{\"name\":\"x\",\"model\":\"churn:9\"}");
    assertThat(badSpec.status()).isEqualTo(400);
    assertThat(JSON.readTree(badSpec.body()).get("field").asString()).isEqualTo("model");
  }

  @Test
  @Order(3)
  void aReplicaRefusesCallsWithoutItsSecretOnBothProtocols() throws Exception {
    JsonNode service = JSON.readTree(http.get(alice, SERVICE).body());
    String replica =
        versionRow(service, "stable", 1).get("replicaJobs").get(0).asString().split(" ")[0];
    String uid =
        JSON.readTree(http.get(alice, "/api/v1/projects/" + PROJECT + "/jobs/" + replica).body())
            .get("uid")
            .asString();
    // Where the runtime says the replica listens, as the serving controller routes to it.
    var endpoints = observations.of(uid).get("worker-0").endpoints();
    TestingHttp direct = new TestingHttp("http://" + endpoints.get("http"));
    for (String path : List.of("/v2/models/churn", "/v2/health/ready", "/metrics")) {
      TestingHttp.Answer refused = direct.get(null, path);
      assertThat(refused.status()).as(path).isEqualTo(401);
      assertThat(direct.get(alice, path).status()).as(path + " with a user's token").isEqualTo(401);
    }
    assertThat(GrpcInference.statusWithoutToken(endpoints.get("grpc").toString(), PROJECT, "churn"))
        .isEqualTo("UNAUTHENTICATED");
    assertThat(infer(first.input()).get("model_version").asString()).isEqualTo("1");
  }

  @Test
  @Order(4)
  void aCanaryAnswersItsShareOfRequests() {
    TestingHttp.Answer traffic =
        http.put(alice, SERVICE + "/traffic", "{\"model\":\"churn:2\",\"percent\":20}");
    assertThat(traffic.status()).as(traffic.body()).isEqualTo(200);
    awaitService(service -> phase(service).equals("Ready") && ready(service, "canary", 2) >= 1);

    int canary = 0;
    for (int i = 0; i < 1000; i++) {
      JsonNode answer = infer(first.input());
      if (answer.get("model_version").asString().equals("2")) {
        canary++;
        assertClose(answer.get("outputs").get(0).get("data"), second.output());
      } else {
        assertClose(answer.get("outputs").get(0).get("data"), first.output());
      }
    }
    // Binomial(1000, 0.2): mean 200, standard deviation 12.6; 4 deviations either side.
    assertThat(canary).isBetween(150, 250);
    // The gateway reports its counts every second.
    int answeredByCanary = canary;
    awaitService(
        service -> versionRow(service, "canary", 2).get("requests").asLong() >= answeredByCanary);

    // As KServe's canaryTrafficPercent: 100 sends every request to the canary, 0 none, once the
    // controller's next pass has published the route.
    assertThat(http.put(alice, SERVICE + "/traffic", "{\"percent\":100}").status()).isEqualTo(200);
    awaitService(service1 -> ready(service1, "canary", 2) >= 2);
    awaitAllAnsweredBy("2");
    assertThat(http.put(alice, SERVICE + "/traffic", "{\"percent\":0}").status()).isEqualTo(200);
    awaitAllAnsweredBy("1");
    JsonNode dark = JSON.readTree(http.get(alice, SERVICE).body());
    assertThat(dark.get("status").get("canaryPercent").asInt()).isZero();
    assertThat(ready(dark, "canary", 2)).as("the canary stays deployed").isGreaterThanOrEqualTo(1);
  }

  @Test
  @Order(5)
  void promoteAndRollbackUnderLoadFailNoRequest() {
    try (Load load = new Load(4)) {
      TestingHttp.Answer promoted = http.post(alice, SERVICE + "/promote", null, "");
      assertThat(promoted.status()).as(promoted.body()).isEqualTo(200);
      awaitService(
          service ->
              phase(service).equals("Ready")
                  && service.get("status").get("stableVersion").asInt() == 2
                  && ready(service, "stable", 2) == 2
                  && rows(service) == 1);
      TestingHttp.Answer rolledBack = http.post(alice, SERVICE + "/rollback", null, "");
      assertThat(rolledBack.status()).as(rolledBack.body()).isEqualTo(200);
      awaitService(
          service ->
              phase(service).equals("Ready")
                  && service.get("status").get("stableVersion").asInt() == 1
                  && ready(service, "stable", 1) == 2
                  && rows(service) == 1);
      load.stopAndCheck();
      assertThat(load.versionsSeen()).contains("1", "2");
    }
  }

  @Test
  @Order(6)
  void aReplicaKilledUnderLoadLosesNoRequest() {
    JsonNode service = JSON.readTree(http.get(alice, SERVICE).body());
    String replica =
        versionRow(service, "stable", 1).get("replicaJobs").get(0).asString().split(" ")[0];
    JsonNode job =
        JSON.readTree(http.get(alice, "/api/v1/projects/" + PROJECT + "/jobs/" + replica).body());
    long pid =
        ServerFixture.replicaProcess(
            job.get("uid").asString(), "worker-0", "capstan-model-server.jar");
    assertThat(pid).as("the model server process of " + replica).isPositive();
    try (Load load = new Load(4)) {
      await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
      ServerFixture.kill9(pid);
      awaitService(s -> phase(s).equals("Ready") && ready(s, "stable", 1) == 2);
      load.stopAndCheck();
    }
  }

  @Test
  @Order(7)
  void grpcThroughTheGatewayGivesTheSameNumbers() throws Exception {
    JsonNode service = JSON.readTree(http.get(alice, SERVICE).body());
    String target = service.get("status").get("grpcTarget").asString();
    JsonNode answer =
        GrpcInference.infer(target, alice, PROJECT, "churn", "churn", inputName(), first.input());
    assertThat(answer.get("model_version").asString()).isEqualTo("1");
    assertClose(answer.get("outputs").get(0).get("data"), first.output());
    assertThat(GrpcInference.statusOfUnknownService(target, alice, PROJECT)).isEqualTo("NOT_FOUND");
    assertThat(GrpcInference.statusWithoutToken(target, PROJECT, "churn"))
        .isEqualTo("UNAUTHENTICATED");
  }

  @Test
  @Order(8)
  void theAutoscalerAddsAReplicaUnderLoadAndRemovesItAfterTheWindow() {
    TestingHttp.Answer updated =
        http.patch(alice, SERVICE, "{\"minReplicas\":1,\"maxReplicas\":2,\"targetInFlight\":2}");
    assertThat(updated.status()).as(updated.body()).isEqualTo(200);
    awaitService(
        s -> s.get("status").get("desiredReplicas").asInt() == 1 && ready(s, "stable", 1) == 1);

    try (Load load = new Load(6)) {
      awaitService(
          s -> s.get("status").get("desiredReplicas").asInt() == 2 && ready(s, "stable", 1) == 2);
      load.stopAndCheck();
    }
    awaitService(
        s -> s.get("status").get("desiredReplicas").asInt() == 1 && ready(s, "stable", 1) == 1);
    JsonNode service = JSON.readTree(http.get(alice, SERVICE).body());
    List<String> scaled = new ArrayList<>();
    service
        .get("events")
        .forEach(
            e -> {
              if (e.get("reason").asString().equals("Scaled")) {
                scaled.add(e.get("message").asString());
              }
            });
    assertThat(scaled)
        .anyMatch(m -> m.startsWith("Scaled from 1 to 2"))
        .anyMatch(m -> m.startsWith("Scaled from 2 to 1"));
  }

  @Test
  @Order(9)
  void deletingTheServiceLeavesNoReplicaJob() {
    assertThat(http.delete(alice, SERVICE).status()).isEqualTo(204);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              JsonNode jobs =
                  JSON.readTree(http.get(alice, "/api/v1/projects/" + PROJECT + "/jobs").body());
              for (JsonNode job : jobs) {
                if (job.get("name").asString().startsWith("churn-v")) {
                  return false;
                }
              }
              return true;
            });
    assertThat(http.get(alice, SERVICE).status()).isEqualTo(404);
  }

  // --- helpers ---

  private Reference trainAndRegister(String job, String epochs, int expectedVersion) {
    String spec;
    try {
      spec = Files.readString(EXAMPLES.resolve("pytorch-ddp/job.yaml"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    spec =
        spec.replace("name: pytorch-ddp", "name: " + job)
            .replace("\"--epochs\", \"5\"", "\"--epochs\", \"" + epochs + "\"");
    TestingHttp.Answer submitted =
        http.post(alice, "/api/v1/projects/" + PROJECT + "/jobs", "application/yaml", spec);
    assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                JSON.readTree(
                        http.get(alice, "/api/v1/projects/" + PROJECT + "/jobs/" + job).body())
                    .get("status")
                    .get("phase")
                    .asString(),
            p -> p.equals("Succeeded") || p.equals("Failed"));
    JsonNode view =
        JSON.readTree(http.get(alice, "/api/v1/projects/" + PROJECT + "/jobs/" + job).body());
    assertThat(view.get("status").get("phase").asString()).isEqualTo("Succeeded");
    // Its outputs are copied into the artifact store before it counts as done (capstan wait).
    String outputs = "/api/v1/projects/" + PROJECT + "/jobs/" + job + "/outputs";
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> JSON.readTree(http.get(alice, outputs).body()).get("collected").asBoolean());
    TestingHttp.Answer registered =
        http.post(
            alice,
            "/api/v1/projects/" + PROJECT + "/models/churn/versions/from-job",
            "application/json",
            "{\"job\":\"" + job + "\",\"path\":\"model.onnx\"}");
    assertThat(registered.status()).as(registered.body()).isEqualTo(201);
    assertThat(JSON.readTree(registered.body()).get("version").asInt()).isEqualTo(expectedVersion);
    Path output =
        DATA.resolve("artifacts/jobs").resolve(view.get("uid").asString()).resolve("output");
    try {
      JsonNode reference = JSON.readTree(Files.readString(output.resolve("reference.json")));
      return new Reference(reference.get("input"), reference.get("output"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String inputName() {
    JsonNode metadata = JSON.readTree(gateway.get(alice, GATEWAY + "/v2/models/churn").body());
    return metadata.get("inputs").get(0).get("name").asString();
  }

  /** Waits until 100 requests in a row are answered by {@code version}. */
  private void awaitAllAnsweredBy(String version) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                IntStream.range(0, 100)
                    .allMatch(
                        i -> infer(first.input()).get("model_version").asString().equals(version)));
  }

  private JsonNode infer(JsonNode rows) {
    HttpResponse<String> response = send(inferRequest(rows));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode answer = JSON.readTree(response.body());
    assertThat(response.headers().firstValue("capstan-model-version"))
        .contains(answer.get("model_version").asString());
    return answer;
  }

  private String cachedInputName;

  private HttpRequest inferRequest(JsonNode rows) {
    if (cachedInputName == null) {
      cachedInputName = inputName();
    }
    ObjectNode body = JSON.createObjectNode();
    ObjectNode input = body.putArray("inputs").addObject();
    input.put("name", cachedInputName);
    ArrayNode shape = input.putArray("shape");
    shape.add(rows.size());
    shape.add(rows.get(0).size());
    input.put("datatype", "FP32");
    ArrayNode data = input.putArray("data");
    rows.forEach(row -> row.forEach(value -> data.add(value.asDouble())));
    return HttpRequest.newBuilder(URI.create(gatewayBase + GATEWAY + "/v2/models/churn/infer"))
        .header("Authorization", "Bearer " + alice)
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
        .build();
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void assertClose(JsonNode actual, JsonNode expectedRows) {
    List<Double> expected = new ArrayList<>();
    expectedRows.forEach(
        row -> {
          if (row.isArray()) {
            row.forEach(v -> expected.add(v.asDouble()));
          } else {
            expected.add(row.asDouble());
          }
        });
    assertThat(actual.size()).isEqualTo(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      assertThat(actual.get(i).asDouble())
          .isCloseTo(expected.get(i), org.assertj.core.data.Offset.offset(TOLERANCE));
    }
  }

  private void awaitService(Predicate<JsonNode> condition) {
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> JSON.readTree(http.get(alice, SERVICE).body()), condition);
  }

  private static String phase(JsonNode service) {
    return service.get("status").get("phase").asString();
  }

  private static int ready(JsonNode service, String track, int version) {
    JsonNode row = versionRow(service, track, version);
    return row == null ? 0 : row.get("readyReplicas").asInt();
  }

  private static int rows(JsonNode service) {
    return service.get("status").get("versions").size();
  }

  private static JsonNode versionRow(JsonNode service, String track, int version) {
    for (JsonNode row : service.get("status").get("versions")) {
      if (row.get("track").asString().equals(track) && row.get("version").asInt() == version) {
        return row;
      }
    }
    return null;
  }

  /** Clients sending requests back to back until stopped, counting every failure. */
  private final class Load implements AutoCloseable {
    private final ExecutorService threads;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger answered = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> versions = new ConcurrentLinkedQueue<>();

    Load(int clients) {
      threads = Executors.newFixedThreadPool(clients);
      HttpRequest request = inferRequest(first.input());
      for (int i = 0; i < clients; i++) {
        threads.submit(
            () -> {
              while (running.get()) {
                try {
                  HttpResponse<String> response =
                      client.send(request, HttpResponse.BodyHandlers.ofString());
                  if (response.statusCode() != 200) {
                    failures.add(response.statusCode() + " " + response.body());
                  } else {
                    answered.incrementAndGet();
                    String version =
                        response.headers().firstValue("capstan-model-version").orElse("?");
                    if (!versions.contains(version)) {
                      versions.add(version);
                    }
                  }
                } catch (IOException e) {
                  failures.add(e.toString());
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
      }
    }

    void stopAndCheck() {
      close();
      assertThat(failures).as("failed requests out of " + answered.get()).isEmpty();
      assertThat(answered.get()).isPositive();
    }

    List<String> versionsSeen() {
      return List.copyOf(versions);
    }

    @Override
    public void close() {
      running.set(false);
      threads.shutdown();
      try {
        threads.awaitTermination(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
