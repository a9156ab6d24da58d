package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The steps of the notebook ITs in one project of a running server: its quota, its notebooks and
 * their phases, a job that waits on the quota, and kernels started through the proxy.
 */
record TestingNotebooks(TestingHttp http, String project) {
  static final Duration START = Duration.ofMinutes(3);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The project's notebooks' API path. */
  String api() {
    return "/api/v1/projects/" + project + "/notebooks";
  }

  /**
   * Gives the project a nominal quota of {@code cpu} CPUs (8 GiB, no GPU) and nothing to borrow.
   */
  void limitCpu(String admin, String cpu) {
    TestingHttp.Answer quota =
        http.put(
            admin,
            "/api/v1/projects/" + project + "/quota",
            "{\"nominal\":{\"cpu\":\""
                + cpu
                + "\",\"memory\":\"8Gi\",\"gpu\":\"0\"},"
                + "\"borrowingLimit\":{\"cpu\":\"0\",\"memory\":\"0\",\"gpu\":\"0\"}}");
    assertThat(quota.status()).as(quota.body()).isEqualTo(200);
  }

  /** Creates notebook {@code name} with half a core and 1 GiB; returns the answer's body. */
  String create(String token, String name) {
    TestingHttp.Answer created =
        http.post(
            token,
            api(),
            "application/json",
            "{\"name\":\"" + name + "\",\"cpu\":\"500m\",\"memory\":\"1Gi\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.body();
  }

  /** The notebook as the API shows it. */
  JsonNode get(String token, String name) {
    return JSON.readTree(http.get(token, api() + "/" + name).body());
  }

  /** The notebook's phase, or "" when the API does not show it. */
  String phase(String token, String name) {
    TestingHttp.Answer answer = http.get(token, api() + "/" + name);
    return answer.status() == 200 ? JSON.readTree(answer.body()).get("phase").asString() : "";
  }

  void awaitPhase(String token, String name, String phase) {
    await()
        .atMost(START)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> phase(token, name).equals(phase));
  }

  /** Submits the job {@code waiting}: one replica of half a core that prints and exits. */
  void submitWaitingJob(String token) {
    TestingHttp.Answer job =
        http.post(
            token,
            "/api/v1/projects/" + project + "/jobs",
            "application/yaml",
            """
            apiVersion: capstan.io/v1
            kind: TrainingJob
            metadata: {name: waiting}
            spec:
              replicas:
                - role: worker
                  count: 1
                  image: pytorch/pytorch:latest
                  command: [sh, -c, "echo admitted"]
                  resources: {cpu: 500m, memory: 64Mi}
            """);
    assertThat(job.status()).as(job.body()).isEqualTo(201);
  }

  String jobPhase(String token, String job) {
    return ServerFixture.jobPhase(http, token, project, job);
  }

  /** Starts a Python kernel through the proxy at {@code base}; returns Jupyter's answer. */
  JsonNode startKernel(String token, String base) throws Exception {
    HttpResponse<String> kernel =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(base + "api/kernels"))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"python3\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(kernel.statusCode()).as(kernel.body()).isEqualTo(201);
    return JSON.readTree(kernel.body());
  }
}
