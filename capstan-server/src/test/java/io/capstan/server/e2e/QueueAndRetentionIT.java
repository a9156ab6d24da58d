package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.server.CapstanServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * All-or-nothing admission in submission order with a reason while waiting, GPUs handed out by
 * index from a configured inventory, a plain warning when limits cannot be enforced, and clean-up
 * of a finished job (record, logs, directories) once its TTL has passed.
 */
@SpringBootTest(
    classes = CapstanServer.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class QueueAndRetentionIT {
  private static final Path DATA = ServerFixture.newDataDir("capstan-queue-it");
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String JOBS = "/api/v1/projects/default/jobs";

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("capstan.data-dir", DATA::toString);
    registry.add("capstan.stop-grace-period", () -> "2s");
    registry.add("capstan.runtime.local.gpus", () -> "0,1");
    registry.add("capstan.runtime.local.cgroups", () -> "off");
  }

  @Value("${local.server.port}")
  int port;

  private TestingHttp http;
  private String token;

  @BeforeEach
  void setUp() {
    token = ServerFixture.adminToken(DATA);
    http = new TestingHttp("http://127.0.0.1:" + port);
  }

  /** A failed test must not leave a job holding the machine for the tests after it. */
  @AfterEach
  void cancelWhatIsLeft() {
    for (JsonNode job : JSON.readTree(http.get(token, JOBS).body())) {
      http.post(token, JOBS + "/" + job.get("name").asString() + "/cancel", null, "");
    }
  }

  @Test
  void jobsThatDoNotFitWaitInOrderWithAReasonAndStartWhenResourcesFree() {
    // The holder leaves 500m free: too little for the 2 x 500m gang, enough for the 100m job.
    int cores = Runtime.getRuntime().availableProcessors();
    String holder = submit(job("holder", 1, (cores * 1000 - 500) + "m", "sleep 300"));
    awaitPhase(holder, "Running");
    String waiter = submit(job("waiter", 2, "500m", "echo waiter ran"));
    String behind = submit(job("behind", 1, "100m", "echo behind ran"));

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              JsonNode status = job(waiter).get("status");
              assertThat(status.get("phase").asString()).isEqualTo("Queued");
              assertThat(status.get("reason").asString()).isEqualTo("Pending");
              assertThat(status.get("message").asString())
                  .contains("waiting for resources: needs cpu=1 ")
                  .contains("for 2 pods as one gang")
                  .contains("free now cpu=500m");
            });
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(job(behind).get("status").get("message").asString())
                    .as("backfill never delays the reserved gang")
                    .contains("waiting behind job 'waiter' (reserved: it needs cpu=1 "));
    assertThat(job(behind).get("status").get("phase").asString()).isEqualTo("Queued");

    assertThat(http.post(token, JOBS + "/holder/cancel", null, "").status()).isEqualTo(200);

    awaitPhase(waiter, "Succeeded");
    awaitPhase(behind, "Succeeded");
    assertThat(log(waiter, "worker-1")).contains("waiter ran");
    assertThat(events(job(waiter))).containsSubsequence("Submitted", "Admitted", "Succeeded");
  }

  @Test
  void eachReplicaSeesOnlyItsOwnGpusAndAGpuJobWaitsWhileAllAreTaken() {
    String spec =
        """
        apiVersion: capstan.io/v1
        kind: TrainingJob
        metadata: {name: %s}
        spec:
          replicas:
            - role: worker
              count: %d
              command: [sh, -c, "echo gpus=[$CUDA_VISIBLE_DEVICES]; sleep %s"]
              resources: {cpu: 100m, memory: 64Mi, gpu: 1}
        """;
    String pair = submit(spec.formatted("gpu-pair", 2, "5"));
    awaitPhase(pair, "Running");
    String single = submit(spec.formatted("gpu-single", 1, "0"));

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(job(single).get("status").get("message").asString())
                    .contains("needs cpu=100m memory=64Mi gpu=1"));
    assertThat(job(single).get("status").get("phase").asString()).isEqualTo("Queued");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(log(pair, "worker-0")).contains("gpus=[0]");
              assertThat(log(pair, "worker-1")).contains("gpus=[1]");
            });
    JsonNode replicas = job(pair).get("status").get("replicas");
    assertThat(replicas.get(0).get("gpus").toString()).isEqualTo("[0]");
    assertThat(replicas.get(1).get("gpus").toString()).isEqualTo("[1]");

    awaitPhase(pair, "Succeeded");
    awaitPhase(single, "Succeeded");
    assertThat(log(single, "worker-0")).containsPattern("gpus=\\[[01]\\]");
  }

  @Test
  void aJobSaysPlainlyWhenItsLimitsCannotBeEnforced() {
    String name = submit(job("unlimited", 1, "100m", "true"));

    JsonNode warnings = job(name).get("status").get("warnings");

    assertThat(warnings.toString()).contains("not fully enforced").contains("cgroups");
  }

  @Test
  void aFinishedJobIsRemovedWithItsLogsVolumesAndOutputsOnceItsTtlHasPassed() {
    String spec =
        """
        apiVersion: capstan.io/v1
        kind: TrainingJob
        metadata: {name: short-lived}
        spec:
          ttlSecondsAfterFinished: 3
          replicas:
            - role: worker
              count: 1
              command: [sh, -c, "echo bye; echo bye > $CAPSTAN_OUTPUT_DIR/bye.txt"]
        """;
    String name = submit(spec);
    String uid = job(name).get("uid").asString();
    awaitPhase(name, "Succeeded");
    Path logs = DATA.resolve("job-logs").resolve(uid);
    Path volumes = DATA.resolve("runtime").resolve("volumes").resolve(uid);
    Path outputs = DATA.resolve("artifacts").resolve("jobs").resolve(uid);
    // The log is archived within a second, or when the job is released (decision 74); the TTL
    // leaves a few seconds to see it before the job goes.
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.isDirectory(logs));
    assertThat(volumes).isDirectory();

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> http.get(token, JOBS + "/" + name).status() == 404);

    assertThat(Files.exists(logs)).isFalse();
    assertThat(Files.exists(volumes)).isFalse();
    assertThat(Files.exists(outputs)).isFalse();
  }

  private static String job(String name, int count, String cpu, String script) {
    return """
        apiVersion: capstan.io/v1
        kind: TrainingJob
        metadata: {name: %s}
        spec:
          replicas:
            - role: worker
              count: %d
              command: [sh, -c, "%s"]
              resources: {cpu: "%s", memory: 64Mi}
        """
        .formatted(name, count, script, cpu);
  }

  private String submit(String spec) {
    TestingHttp.Answer answer = http.post(token, JOBS, "application/yaml", spec);
    assertThat(answer.status()).as(answer.body()).isEqualTo(201);
    return JSON.readTree(answer.body()).get("name").asString();
  }

  private JsonNode job(String name) {
    TestingHttp.Answer answer = http.get(token, JOBS + "/" + name);
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    return JSON.readTree(answer.body());
  }

  private void awaitPhase(String name, String phase) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> job(name).get("status").get("phase").asString().equals(phase));
  }

  private String log(String name, String replica) {
    return http.get(token, JOBS + "/" + name + "/logs?replica=" + replica).body();
  }

  private static java.util.List<String> events(JsonNode job) {
    java.util.List<String> reasons = new java.util.ArrayList<>();
    for (JsonNode event : job.get("events")) {
      reasons.add(event.get("reason").asString());
    }
    return reasons;
  }
}
