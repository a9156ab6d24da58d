package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.runtime.kubernetes.TestingCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The packaged server on a cluster that grows (decisions 123 and 124), on fabric8's mock API server
 * with the ProvisioningRequest CRD: a gang that fits no node is accepted, waits with a reason that
 * says the cluster is asked to grow, shows in the demand metrics and gets one ProvisioningRequest;
 * once spot nodes join it runs there and the request is deleted; when the cloud takes one of them
 * back the job goes back to the queue, not failed, and runs again when capacity returns.
 */
class ClusterGrowthIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String JOBS = "/api/v1/projects/default/jobs";
  private static final String NAMESPACE = "capstan-default";
  private static final ResourceDefinitionContext PROVISIONING_REQUESTS =
      new ResourceDefinitionContext.Builder()
          .withGroup("autoscaling.x-k8s.io")
          .withVersion("v1")
          .withKind("ProvisioningRequest")
          .withPlural("provisioningrequests")
          .withNamespaced(true)
          .build();

  @Test
  void aGangThatFitsNoNodeGrowsTheClusterRunsOnSpotNodesAndSurvivesTheirReclaim()
      throws IOException {
    Path data = ServerFixture.newDataDir("capstan-growth-it");
    try (TestingCluster cluster = new TestingCluster().withProvisioningRequests().node("small", 4);
        KubernetesClient admin =
            new KubernetesClientBuilder()
                .withConfig(
                    io.fabric8.kubernetes.client.Config.fromKubeconfig(cluster.kubeconfig()))
                .build()) {
      try (ServerProcess server = ServerProcess.onCluster(data, cluster)) {
        server.start();
        TestingHttp http = new TestingHttp(server.url());
        String token = ServerFixture.adminToken(data);

        TestingHttp.Answer submitted = http.post(token, JOBS, "application/yaml", PAIR_OF_EIGHTS);
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);

        await()
            .atMost(Duration.ofMinutes(1))
            .pollInterval(Duration.ofMillis(300))
            .until(() -> message(http, token).contains("the cluster is asked to grow"));
        assertThat(message(http, token))
            .contains("more than any node offers")
            .contains("ProvisioningRequest " + NAMESPACE + "/llm-");
        List<GenericKubernetesResource> requests = requests(admin);
        assertThat(requests).singleElement();
        assertThat(requests.get(0).getAdditionalProperties().get("spec").toString())
            .contains("count=2")
            .contains("best-effort-atomic-scale-up.autoscaling.x-k8s.io");
        assertThat(http.get(token, "/metrics").body())
            .contains("capstan_unschedulable_gangs{shape=\"none\"} 1.0")
            .contains("capstan_unschedulable_pods{shape=\"none\"} 2.0")
            .contains("capstan_unschedulable_gpus{shape=\"none\"} 16.0");
        assertThat(JSON.readTree(http.get(token, "/api/v1/top").body()).toString())
            .contains("\"pool\":\"on-demand\"");

        // The autoscaler's new nodes join: the gang runs there and its request goes.
        cluster.spotNode("spot-a", 8).spotNode("spot-b", 8);
        awaitPhase(http, token, "Running");
        await().atMost(Duration.ofSeconds(30)).until(() -> requests(admin).isEmpty());
        assertThat(cluster.boundPods(NAMESPACE).values()).containsOnly("spot-a", "spot-b");

        // The cloud takes one back: the job waits in the queue, not failed, not restarted.
        cluster.deleteNode("spot-a");
        await()
            .atMost(Duration.ofMinutes(1))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> http.get(token, JOBS + "/llm").body().contains("NodeReclaimed"));
        JsonNode queued = status(http, token);
        assertThat(queued.get("phase").asString()).isEqualTo("Queued");
        assertThat(queued.get("restarts").asInt()).isZero();

        // Capacity returns: it runs again, resuming from its checkpoint.
        cluster.spotNode("spot-c", 8);
        awaitPhase(http, token, "Running");
        JsonNode resumed = status(http, token);
        assertThat(resumed.get("restarts").asInt()).isZero();
        assertThat(http.get(token, JOBS + "/llm").body())
            .contains("NodeReclaimed")
            .contains("taken back by the cloud")
            .contains("Admitted again, resuming from its checkpoint");
      }
    }
  }

  private static List<GenericKubernetesResource> requests(KubernetesClient admin) {
    return admin
        .genericKubernetesResources(PROVISIONING_REQUESTS)
        .inNamespace(NAMESPACE)
        .list()
        .getItems();
  }

  private static void awaitPhase(TestingHttp http, String token, String phase) {
    await()
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(300))
        .until(() -> status(http, token).get("phase").asString().equals(phase));
  }

  private static JsonNode status(TestingHttp http, String token) {
    return JSON.readTree(http.get(token, JOBS + "/llm").body()).get("status");
  }

  private static String message(TestingHttp http, String token) {
    JsonNode message = status(http, token).get("message");
    return message == null ? "" : message.asString();
  }

  /** Two workers of 8 GPUs each, on a cluster whose largest node has 4. */
  private static final String PAIR_OF_EIGHTS =
      """
      apiVersion: kubeflow.org/v1
      kind: PyTorchJob
      metadata: {name: llm}
      spec:
        pytorchReplicaSpecs:
          Worker:
            replicas: 2
            restartPolicy: OnFailure
            template:
              spec:
                containers:
                  - name: pytorch
                    image: registry.example.com/llm:1.0
                    command: [in-memory, print, "training", run]
                    resources: {limits: {nvidia.com/gpu: 8, cpu: "2", memory: 8Gi}}
      """;
}
