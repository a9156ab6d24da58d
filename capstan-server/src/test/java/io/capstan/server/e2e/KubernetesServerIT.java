package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.runtime.kubernetes.TestingCluster;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The packaged server with {@code capstan.runtime.kind=kubernetes}, on fabric8's mock API server
 * with a testing kubelet: the same Kubeflow YAML a user submits on one machine is scheduled onto
 * the cluster's nodes, gets its rendezvous, runs, its output volume's claim is copied into the
 * artifact store through a reader pod (decision 121), a worker's metrics file is read from the
 * job's metrics claim (decision 129), and its logs and metrics are there after the server restarts,
 * as with the local runtime.
 */
class KubernetesServerIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String JOBS = "/api/v1/projects/default/jobs";

  @Test
  void aPyTorchJobRunsOnTheClusterNodesWithItsRendezvousAndKeepsItsLogsAcrossARestart()
      throws IOException {
    Path data = ServerFixture.newDataDir("capstan-kubernetes-it");
    try (TestingCluster cluster = new TestingCluster().node("gpu-a", 2).node("gpu-b", 2)) {
      try (ServerProcess server = ServerProcess.onCluster(data, cluster)) {
        server.start();
        TestingHttp http = new TestingHttp(server.url());
        String token = ServerFixture.adminToken(data);

        JsonNode top = JSON.readTree(http.get(token, "/api/v1/top").body());
        assertThat(top.toString()).contains("gpu-a").contains("gpu-b");

        TestingHttp.Answer submitted = http.post(token, JOBS, "application/yaml", PYTORCH_JOB);
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
        await()
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofMillis(300))
            .until(() -> finished(ServerFixture.jobPhase(http, token, "default", "mnist-ddp")));
        assertThat(ServerFixture.jobPhase(http, token, "default", "mnist-ddp"))
            .isEqualTo("Succeeded");

        Map<String, String> pods = new TreeMap<>(cluster.boundPods("capstan-default"));
        // The pods that read the output and metrics claims (decisions 121, 129) may be bound too.
        pods.keySet().removeIf(name -> name.endsWith("-reader"));
        assertThat(pods).as("one pod per replica, each bound to a node").hasSize(3);
        assertThat(pods.values()).allMatch(node -> node.equals("gpu-a") || node.equals("gpu-b"));

        String master = log(http, token, "master-0");
        assertThat(master)
            .as("the rendezvous the Training Operator would inject")
            .containsPattern("MASTER_ADDR=mnist-ddp-[0-9a-f]+-master-0\\.mnist-ddp-[0-9a-f]+\n")
            .contains("WORLD_SIZE=3")
            .contains("RANK=0");
        assertThat(log(http, token, "worker-1")).contains("RANK=2");
        JsonNode metrics = JSON.readTree(http.get(token, JOBS + "/mnist-ddp/metrics").body());
        assertThat(metrics.toString()).contains("loss").contains("0.25");
        await()
            .atMost(Duration.ofMinutes(1))
            .untilAsserted(
                () ->
                    assertThat(http.get(token, JOBS + "/mnist-ddp/metrics").body())
                        .as("a worker's $CAPSTAN_METRICS_FILE, read from the metrics claim")
                        .contains("accuracy")
                        .contains("0.875"));
        await()
            .atMost(Duration.ofMinutes(1))
            .until(
                () ->
                    http.get(token, JOBS + "/mnist-ddp/outputs")
                        .body()
                        .contains("\"collected\":true"));
        JsonNode outputs = JSON.readTree(http.get(token, JOBS + "/mnist-ddp/outputs").body());
        assertThat(outputs.get("files"))
            .as("the output claim, read through a reader pod, in the artifact store")
            .singleElement()
            .satisfies(
                file -> {
                  assertThat(file.get("path").asString()).isEqualTo("model/weights.txt");
                  assertThat(file.get("sizeBytes").asLong()).isEqualTo(7);
                });

        server.kill();
        server.start();
        assertThat(ServerFixture.jobPhase(http, token, "default", "mnist-ddp"))
            .isEqualTo("Succeeded");
        assertThat(log(http, token, "master-0")).contains("epoch=1 loss=0.25");
      }
    }
  }

  private static boolean finished(String phase) {
    return phase.equals("Succeeded") || phase.equals("Failed");
  }

  private static String log(TestingHttp http, String token, String replica) {
    return http.get(token, JOBS + "/mnist-ddp/logs?replica=" + replica).body();
  }

  /** A Kubeflow PyTorchJob as users write it; its command is the testing kubelet's language. */
  private static final String PYTORCH_JOB =
      """
      apiVersion: kubeflow.org/v1
      kind: PyTorchJob
      metadata: {name: mnist-ddp}
      spec:
        pytorchReplicaSpecs:
          Master:
            replicas: 1
            restartPolicy: OnFailure
            template:
              spec:
                containers:
                  - name: pytorch
                    image: registry.example.com/mnist:1.0
                    command: [in-memory, print, "MASTER_ADDR=$(MASTER_ADDR)", print,
                              "WORLD_SIZE=$(WORLD_SIZE)", print, "RANK=$(RANK)",
                              print, "epoch=1 loss=0.25",
                              write-file, "$(CAPSTAN_OUTPUT_DIR)/model/weights.txt", trained,
                              exit, "0"]
                    resources: {limits: {nvidia.com/gpu: 1}}
          Worker:
            replicas: 2
            restartPolicy: OnFailure
            template:
              spec:
                containers:
                  - name: pytorch
                    image: registry.example.com/mnist:1.0
                    command: [in-memory, print, "RANK=$(RANK)",
                              write-file, "$(CAPSTAN_METRICS_FILE)",
                              "{\\"step\\": 1, \\"accuracy\\": 0.875}\\n", exit, "0"]
                    resources: {limits: {nvidia.com/gpu: 1}}
      """;
}
