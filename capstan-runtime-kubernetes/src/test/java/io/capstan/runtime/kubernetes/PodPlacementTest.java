package io.capstan.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.runtime.ReplicaLaunch;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;

/**
 * A launch placed on a node becomes a pod pinned there by a required node affinity (decision 88).
 */
class PodPlacementTest {
  private final PodSpecs specs = new PodSpecs(KubernetesSettings.defaults());

  @Test
  void aPlacedLaunchIsPinnedToItsNodeByName() {
    ReplicaLaunch launch = PodSpecsTest.pytorchWorker().toBuilder().node("gpu-node-7").build();

    Pod pod = specs.objects(launch).pod();

    NodeSelectorRequirement field =
        pod.getSpec()
            .getAffinity()
            .getNodeAffinity()
            .getRequiredDuringSchedulingIgnoredDuringExecution()
            .getNodeSelectorTerms()
            .get(0)
            .getMatchFields()
            .get(0);
    assertThat(field.getKey()).isEqualTo("metadata.name");
    assertThat(field.getOperator()).isEqualTo("In");
    assertThat(field.getValues()).containsExactly("gpu-node-7");
    assertThat(pod.getSpec().getNodeName()).as("kube-scheduler still binds it").isNull();
    assertThat(pod.getSpec().getSchedulingGates()).isNullOrEmpty();
    assertThat(PodPlacement.pinnedNode(pod)).contains("gpu-node-7");
  }

  @Test
  void anUnplacedLaunchLeavesTheChoiceToKubeScheduler() {
    Pod pod = specs.objects(PodSpecsTest.pytorchWorker()).pod();

    assertThat(pod.getSpec().getAffinity()).isNull();
    assertThat(PodPlacement.pinnedNode(pod)).isEmpty();
  }
}
