package io.capstan.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.job.Resources;
import io.capstan.runtime.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Nodes read from the API server (fabric8's mock in CRUD mode): allocatable resources, GPU count,
 * model and memory from GPU feature discovery's labels; cordoned and NotReady nodes left out.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesNodesTest {
  static KubernetesClient client;

  private static io.fabric8.kubernetes.api.model.Node node(
      String name, String ready, boolean cordoned, Map<String, String> labels, String gpus) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withUnschedulable(cordoned)
        .endSpec()
        .withNewStatus()
        .addToAllocatable("cpu", new Quantity("7900m"))
        .addToAllocatable("memory", new Quantity("60Gi"))
        .addToAllocatable("nvidia.com/gpu", new Quantity(gpus))
        .addNewCondition()
        .withType("Ready")
        .withStatus(ready)
        .endCondition()
        .endStatus()
        .build();
  }

  @Test
  void readyUncordonedNodesWithTheirAllocatableResourcesAndGpus() {
    Map<String, String> h100 =
        Map.of("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3", "nvidia.com/gpu.memory", "81559");
    client.resource(node("gpu-b", "True", false, h100, "8")).create();
    client.resource(node("gpu-a", "True", false, h100, "8")).create();
    client.resource(node("cordoned", "True", true, h100, "8")).create();
    client.resource(node("not-ready", "False", false, h100, "8")).create();
    client.resource(node("cpu-only", "True", false, Map.of("zone", "a"), "0")).create();

    List<Node> nodes =
        new KubernetesNodes(KubernetesSettings.defaults()).usable(client.nodes().list().getItems());

    assertThat(nodes).extracting(Node::name).containsExactly("cpu-only", "gpu-a", "gpu-b");
    Node gpuA = nodes.get(1);
    assertThat(gpuA.capacity()).isEqualTo(new Resources(7900, 60L << 30, 8));
    assertThat(gpuA.gpus())
        .hasSize(8)
        .first()
        .isEqualTo(new Node.Gpu(0, "NVIDIA-H100-80GB-HBM3", 81559L << 20));
    assertThat(gpuA.labels()).containsEntry("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3");
    assertThat(nodes.get(0).gpus()).isEmpty();
    assertThat(nodes.get(0).capacity().gpus()).isZero();
  }
}
