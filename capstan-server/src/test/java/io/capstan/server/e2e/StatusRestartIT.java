package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.server.CapstanServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Status that survives and speaks Kubernetes (decisions 66 and 67), with the production wiring
 * started twice on one data dir: a job shows Kubeflow's conditions and replica counts, a service's
 * persisted status (phase, conditions with their transition times, observed generation) is what a
 * new server shows, and the replica of a cancelled job is Stopped, not Failed. No model server
 * starts: the service's replica waits behind a job that holds the only GPU, so the test takes
 * seconds of controller work.
 */
class StatusRestartIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String JOBS = "/api/v1/projects/default/jobs";
  private static final String SERVICES = "/api/v1/projects/default/services";

  private Path data;

  /** Replicas outlive their servers: the service's replica still runs when the test ends. */
  @AfterEach
  void stopReplicas() {
    if (data != null) {
      ServerFixture.killReplicas(data);
    }
  }

  @Test
  void aNewServerShowsTheLastServiceStatusAndJobsSpeakKubeflow() {
    data = ServerFixture.newDataDir("capstan-status-it");
    JsonNode before;
    try (Server first = Server.start(data)) {
      TestingHttp http = first.http();
      String token = ServerFixture.adminToken(data);
      submitGpuHolder(http, token);
      await().atMost(Duration.ofMinutes(1)).until(() -> phase(job(http, token)).equals("Running"));
      JsonNode running = job(http, token).get("status");
      assertThat(compact(running.get("conditions")))
          .containsExactlyInAnyOrder(
              "Created=True Submitted",
              "Suspended=False Admitted",
              "Running=True AllReplicasRunning");
      assertThat(running.get("replicaStatuses").get("Worker").get("active").asInt()).isEqualTo(1);

      ServerFixture.registerLinearModel(http, token, "default", "churn");
      TestingHttp.Answer created =
          http.post(
              token,
              SERVICES,
              "application/json",
              "{\"name\":\"churn\",\"model\":\"churn:1\",\"minReplicas\":1,"
                  + "\"resources\":{\"cpu\":\"100m\",\"memory\":\"256Mi\",\"gpu\":\"1\"}}");
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      await()
          .atMost(Duration.ofMinutes(1))
          .until(
              () ->
                  service(http, token)
                      .get("status")
                      .get("message")
                      .asString()
                      .contains("is waiting"));
      before = service(http, token);
    }
    JsonNode status = before.get("status");
    assertThat(status.get("phase").asString()).isEqualTo("Pending");
    assertThat(status.get("observedGeneration").asLong())
        .isEqualTo(before.get("generation").asLong());
    assertThat(compact(status.get("conditions")))
        .containsExactly(
            "Ready=False Pending",
            "PredictorReady=False NoReplicaReady",
            "LatestDeploymentReady=False ReplicasNotReady",
            "ModelResolved=True Resolved");

    try (Server second = Server.start(data)) {
      TestingHttp http = second.http();
      String token = ServerFixture.adminToken(data);
      JsonNode after = service(http, token).get("status");

      assertThat(after.get("phase").asString()).isEqualTo("Pending");
      assertThat(after.get("observedGeneration")).isEqualTo(status.get("observedGeneration"));
      assertThat(transitions(after.get("conditions")))
          .as("the conditions and their transition times are the ones the first server stored")
          .isEqualTo(transitions(status.get("conditions")));

      TestingHttp.Answer cancelled = http.post(token, JOBS + "/gpu-holder/cancel", null, "");
      assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
      await()
          .atMost(Duration.ofMinutes(1))
          .until(
              () ->
                  job(http, token)
                      .get("status")
                      .get("replicas")
                      .get(0)
                      .get("state")
                      .asString()
                      .equals("Stopped"));
      JsonNode job = job(http, token).get("status");
      assertThat(compact(job.get("conditions")))
          .containsExactlyInAnyOrder(
              "Created=True Submitted",
              "Suspended=False Admitted",
              "Running=False Cancelled",
              "Failed=True Cancelled");
      assertThat(job.get("replicas").get(0).get("reason").asString()).isEqualTo("JobFinished");
      assertThat(job.get("replicaStatuses").get("Worker").toString())
          .isEqualTo("{\"active\":0,\"succeeded\":0,\"failed\":0,\"stopped\":1}");
      assertThat(http.delete(token, SERVICES + "/churn").status()).isEqualTo(204);
    }
  }

  private static void submitGpuHolder(TestingHttp http, String token) {
    TestingHttp.Answer submitted =
        http.post(
            token,
            JOBS,
            "application/yaml",
            """
            apiVersion: capstan.io/v1
            kind: TrainingJob
            metadata: {name: gpu-holder}
            spec:
              priorityClassName: high
              replicas:
                - role: worker
                  count: 1
                  image: host
                  command: [sleep, "600"]
                  resources: {cpu: 100m, memory: 64Mi, gpu: 1}
            """);
    assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
  }

  private static JsonNode job(TestingHttp http, String token) {
    return JSON.readTree(http.get(token, JOBS + "/gpu-holder").body());
  }

  private static JsonNode service(TestingHttp http, String token) {
    TestingHttp.Answer answer = http.get(token, SERVICES + "/churn");
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    return JSON.readTree(answer.body());
  }

  private static String phase(JsonNode job) {
    return job.get("status").get("phase").asString();
  }

  /** {@code Type=Status Reason}, as {@code capstan get} prints a condition. */
  private static List<String> compact(JsonNode conditions) {
    return written(conditions, "reason", " ");
  }

  /** {@code Type=Status@lastTransitionTime}. */
  private static List<String> transitions(JsonNode conditions) {
    return written(conditions, "lastTransitionTime", "@");
  }

  private static List<String> written(JsonNode conditions, String field, String separator) {
    List<String> written = new ArrayList<>();
    conditions.forEach(
        c ->
            written.add(
                c.get("type").asString()
                    + "="
                    + c.get("status").asString()
                    + separator
                    + c.get(field).asString()));
    return written;
  }

  /** The production wiring on a random port, with one (fake) GPU and no gateway process. */
  private record Server(ConfigurableApplicationContext context) implements AutoCloseable {
    static Server start(Path data) {
      return new Server(
          new SpringApplicationBuilder(CapstanServer.class)
              .run(
                  "--server.port=0",
                  "--capstan.data-dir=" + data,
                  "--capstan.home=" + ServerFixture.repository(),
                  "--capstan.runtime.local.gpus=0",
                  "--capstan.runtime.local.cgroups=off",
                  "--capstan.stop-grace-period=2s",
                  "--capstan.serving.gateway.launch=off",
                  "--capstan.serving.grpc-port=0"));
    }

    TestingHttp http() {
      return new TestingHttp(
          "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"));
    }

    @Override
    public void close() {
      context.close();
    }
  }
}
