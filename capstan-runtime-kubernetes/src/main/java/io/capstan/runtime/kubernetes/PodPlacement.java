package io.capstan.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.Optional;

/**
 * Where a replica's pod runs (decision 88): on the node Capstan's scheduler placed it, through a
 * required node affinity on the node's name ({@code matchFields metadata.name}, as the DaemonSet
 * controller pins its pods), so kube-scheduler still checks taints, volumes and the node's free
 * resources, and a pod that no longer fits waits Pending instead of failing at the kubelet.
 */
final class PodPlacement {
  /** The field of a node that the affinity matches. */
  static final String NODE_NAME_FIELD = "metadata.name";

  private PodPlacement() {}

  /** The affinity that pins a pod to {@code node}, or null when placement chose none. */
  static Affinity affinity(String node) {
    if (node == null) {
      return null;
    }
    return new AffinityBuilder()
        .withNewNodeAffinity()
        .withNewRequiredDuringSchedulingIgnoredDuringExecution()
        .addNewNodeSelectorTerm()
        .addNewMatchField()
        .withKey(NODE_NAME_FIELD)
        .withOperator("In")
        .withValues(node)
        .endMatchField()
        .endNodeSelectorTerm()
        .endRequiredDuringSchedulingIgnoredDuringExecution()
        .endNodeAffinity()
        .build();
  }

  /** The node a pod is pinned to by {@link #affinity}, if it is. */
  static Optional<String> pinnedNode(Pod pod) {
    PodSpec spec = pod.getSpec();
    if (spec == null
        || spec.getAffinity() == null
        || spec.getAffinity().getNodeAffinity() == null
        || spec.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
            == null) {
      return Optional.empty();
    }
    return spec
        .getAffinity()
        .getNodeAffinity()
        .getRequiredDuringSchedulingIgnoredDuringExecution()
        .getNodeSelectorTerms()
        .stream()
        .flatMap(term -> term.getMatchFields().stream())
        .filter(field -> NODE_NAME_FIELD.equals(field.getKey()) && "In".equals(field.getOperator()))
        .map(field -> field.getValues())
        .filter(values -> values.size() == 1)
        .map(values -> values.get(0))
        .findFirst();
  }
}
