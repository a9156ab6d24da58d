package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.server.CapstanServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Preemption through the scheduler with real processes: a project reclaims the quota another one
 * borrowed; the preempted job stops on SIGTERM, goes back to the queue with its checkpoint kept,
 * and later resumes from it. Preemption by priority within a project is the same path through the
 * controller and is covered on the in-memory runtime ({@code JobReconcilerTest}).
 */
@SpringBootTest(
    classes = CapstanServer.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PreemptionIT {
  private static final Path DATA = ServerFixture.newDataDir("capstan-preemption-it");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /**
   * Counts steps, saving each to the checkpoint directory; on start it resumes from the saved step.
   * SIGTERM makes it say so and exit like a trainer that checkpointed.
   */
  private static final String STEPPER =
      "n=$(cat $CAPSTAN_CHECKPOINT_DIR/step 2>/dev/null || echo 0);"
          + " [ $n -gt 0 ] && echo resumed at step $n;"
          + " trap 'echo stopping at step $n; exit 143' TERM;"
          + " while [ $n -lt %d ]; do n=$((n+1)); echo $n > $CAPSTAN_CHECKPOINT_DIR/step;"
          + " echo step $n; sleep 0.2; done";

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("capstan.data-dir", DATA::toString);
    registry.add("capstan.stop-grace-period", () -> "5s");
    registry.add("capstan.runtime.local.gpus", () -> "0,1");
  }

  @Value("${local.server.port}")
  int port;

  private TestingHttp http;
  private String admin;

  @BeforeEach
  void setUp() {
    http = new TestingHttp("http://127.0.0.1:" + port);
    admin = ServerFixture.adminToken(DATA);
  }

  @Test
  void aProjectReclaimsItsQuotaFromABorrowerWhichResumesFromItsCheckpointLater() {
    createProject("vision");
    TestingHttp.Answer quota =
        http.put(admin, "/api/v1/projects/vision/quota", "{\"nominal\":{\"gpu\":\"2\"}}");
    assertThat(quota.status()).as(quota.body()).isEqualTo(200);
    String borrower = submit("default", job("borrower", 2, STEPPER.formatted(40), ""));
    awaitLog("default", borrower, "step 3");
    awaitPhase("default", borrower, "Running", Duration.ofSeconds(20));

    String owner = submit("vision", job("owner", 2, "echo owner ran", ""));

    awaitPhase("vision", owner, "Succeeded", Duration.ofSeconds(60));
    awaitPhase("default", borrower, "Succeeded", Duration.ofSeconds(90));
    JsonNode job = job("default", borrower);
    assertThat(reasons(job)).containsSubsequence("Admitted", "Preempted", "Admitted", "Succeeded");
    assertThat(message(job, "Preempted")).contains("reclaimed by queue vision");
    String log = log("default", borrower);
    assertThat(log).contains("stopping at step").containsPattern("resumed at step [1-9]");
    assertThat(log).contains("step 40");
    assertThat(job.get("status").get("restarts").asInt()).as("a preemption is no failure").isZero();
  }

  /**
   * A serving replica is a high-priority, long-running job with a huge backoff limit (decision 45).
   * Reclaimed for vision's nominal quota, it waits until vision's job has run instead of being
   * admitted again by borrowing and reclaimed again, every few seconds (decision 62).
   */
  @Test
  void aReclaimedHighPriorityReplicaWaitsForTheOwnersJobInsteadOfThrashing() {
    createProject("research");
    TestingHttp.Answer quota =
        http.put(admin, "/api/v1/projects/research/quota", "{\"nominal\":{\"gpu\":\"2\"}}");
    assertThat(quota.status()).as(quota.body()).isEqualTo(200);
    String replica =
        submit(
            "default",
            """
            apiVersion: capstan.io/v1
            kind: TrainingJob
            metadata:
              name: replica
              labels: {capstan.io/long-running: "true"}
            spec:
              priorityClassName: high
              backoffLimit: 1000000
              replicas:
                - role: worker
                  count: 1
                  command: [sh, -c, "trap 'echo draining; exit 143' TERM; echo serving; while true; do sleep 0.2; done"]
                  resources: {cpu: 100m, memory: 64Mi, gpu: 2}
            """);
    awaitLog("default", replica, "serving");

    String owner = submit("research", job("owner", 2, "sleep 3; echo owner ran", ""));

    awaitPhase("research", owner, "Succeeded", Duration.ofSeconds(60));
    awaitPhase("default", replica, "Running", Duration.ofSeconds(60));
    List<String> reasons = reasons(job("default", replica));
    assertThat(reasons.stream().filter("Preempted"::equals)).as(reasons.toString()).hasSize(1);
    assertThat(reasons).containsSubsequence("Admitted", "Preempted", "Admitted");
    assertThat(job("default", replica).get("status").get("restarts").asInt()).isZero();
    cancel("default", replica);
  }

  private static String job(String name, int gpus, String script, String extraSpec) {
    return """
        apiVersion: capstan.io/v1
        kind: TrainingJob
        metadata: {name: %s}
        spec:
          %s
          replicas:
            - role: worker
              count: 1
              command: [sh, -c, "%s"]
              resources: {cpu: 100m, memory: 64Mi, gpu: %d}
        """
        .formatted(name, extraSpec, script, gpus);
  }

  private void createProject(String name) {
    TestingHttp.Answer created =
        http.post(admin, "/api/v1/projects", "application/json", "{\"name\":\"" + name + "\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
  }

  private String submit(String project, String spec) {
    TestingHttp.Answer answer =
        http.post(admin, "/api/v1/projects/" + project + "/jobs", "application/yaml", spec);
    assertThat(answer.status()).as(answer.body()).isEqualTo(201);
    return JSON.readTree(answer.body()).get("name").asString();
  }

  private void cancel(String project, String name) {
    TestingHttp.Answer answer =
        http.post(admin, "/api/v1/projects/" + project + "/jobs/" + name + "/cancel", null, "");
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
  }

  private JsonNode job(String project, String name) {
    return JSON.readTree(http.get(admin, "/api/v1/projects/" + project + "/jobs/" + name).body());
  }

  private String phase(String project, String name) {
    return job(project, name).get("status").get("phase").asString();
  }

  private void awaitPhase(String project, String name, String phase, Duration timeout) {
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> phase(project, name).equals(phase));
  }

  private void awaitLog(String project, String name, String text) {
    await().atMost(Duration.ofSeconds(30)).until(() -> log(project, name).contains(text));
  }

  private String log(String project, String name) {
    return http.get(admin, "/api/v1/projects/" + project + "/jobs/" + name + "/logs").body();
  }

  private static List<String> reasons(JsonNode job) {
    List<String> reasons = new ArrayList<>();
    job.get("events").forEach(event -> reasons.add(event.get("reason").asString()));
    return reasons;
  }

  private static String message(JsonNode job, String reason) {
    for (JsonNode event : job.get("events")) {
      if (event.get("reason").asString().equals(reason)) {
        return event.get("message").asString();
      }
    }
    throw new AssertionError("no " + reason + " event in " + job.get("events"));
  }
}
