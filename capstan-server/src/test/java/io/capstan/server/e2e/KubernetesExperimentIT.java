package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.capstan.runtime.kubernetes.TestingCluster;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Katib Experiment on the cluster (the packaged server with {@code
 * capstan.runtime.kind=kubernetes}, on fabric8's mock API server with a testing kubelet): its
 * trials are jobs whose pods write only where Katib's {@code File} collector reads, {@code
 * /var/log/katib/metrics.log}, and print nothing; the runtime mounts that folder from the job's
 * metrics claim and reads it back (decision 129), so each trial's objective is what it wrote.
 */
class KubernetesExperimentIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String EXPERIMENTS = "/api/v1/projects/default/experiments";

  @Test
  void aFileCollectorsTrialsOnTheClusterFinishWithTheObjectivesTheyWrote() throws IOException {
    Path data = ServerFixture.newDataDir("capstan-kubernetes-experiment-it");
    try (TestingCluster cluster = new TestingCluster().node("cpu-a", 0).node("cpu-b", 0)) {
      try (ServerProcess server = ServerProcess.onCluster(data, cluster)) {
        server.start();
        TestingHttp http = new TestingHttp(server.url());
        String token = ServerFixture.adminToken(data);

        TestingHttp.Answer created = http.post(token, EXPERIMENTS, "application/yaml", EXPERIMENT);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        await()
            .atMost(Duration.ofMinutes(3))
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> !phase(http, token).equals("Running") && !phase(http, token).isEmpty());

        JsonNode done = JSON.readTree(http.get(token, EXPERIMENTS + "/katib-file").body());
        assertThat(done.get("phase").asString()).as(done.toString()).isEqualTo("Succeeded");
        assertThat(done.get("trials").get("succeeded").asInt()).isEqualTo(2);
        JsonNode trials = JSON.readTree(http.get(token, EXPERIMENTS + "/katib-file/trials").body());
        assertThat(trials).hasSize(2);
        for (JsonNode trial : trials) {
          double lr = Double.parseDouble(trial.get("assignments").get("lr").asString());
          assertThat(trial.get("objective").asDouble())
              .as("what the trial wrote to its File collector's path")
              .isCloseTo(lr, within(1e-9));
        }
      }
    }
  }

  private static String phase(TestingHttp http, String token) {
    TestingHttp.Answer answer = http.get(token, EXPERIMENTS + "/katib-file");
    if (answer.status() != 200) {
      return "";
    }
    return JSON.readTree(answer.body()).path("phase").asString("");
  }

  /**
   * A trial writes {@code loss=<lr>} to the File collector's path; its command is the kubelet's.
   */
  private static final String EXPERIMENT =
      """
      apiVersion: kubeflow.org/v1beta1
      kind: Experiment
      metadata: {name: katib-file}
      spec:
        objective: {type: minimize, objectiveMetricName: loss}
        algorithm: {algorithmName: random}
        metricsCollectorSpec:
          collector: {kind: File}
          source:
            fileSystemPath: {path: /var/log/katib/metrics.log, kind: File, format: TEXT}
        parallelTrialCount: 2
        maxTrialCount: 2
        parameters:
          - name: lr
            parameterType: double
            feasibleSpace: {min: "0.01", max: "0.1"}
        trialTemplate:
          primaryContainerName: main
          trialParameters:
            - {name: value, reference: lr}
          trialSpec:
            apiVersion: kubeflow.org/v1
            kind: PyTorchJob
            spec:
              pytorchReplicaSpecs:
                Master:
                  replicas: 1
                  restartPolicy: Never
                  template:
                    spec:
                      containers:
                        - name: main
                          image: registry.example.com/tune:1.0
                          command: [in-memory, write-file, /var/log/katib/metrics.log,
                                    "loss=${trialParameters.value}\\n", exit, "0"]
                          resources:
                            limits: {cpu: "250m", memory: 512Mi}
      """;
}
