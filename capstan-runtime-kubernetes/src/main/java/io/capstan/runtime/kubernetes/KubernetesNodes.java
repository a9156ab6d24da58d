package io.capstan.runtime.kubernetes;

import static java.util.Objects.requireNonNull;

import io.capstan.api.job.Resources;
import io.capstan.runtime.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The cluster's nodes as Capstan's scheduler sees them: allocatable CPU, memory and GPUs (the
 * settings' GPU resource, {@code nvidia.com/gpu}), the node's labels, and its GPUs' model and
 * memory from the labels NVIDIA's GPU feature discovery sets ({@value #GPU_PRODUCT}, {@value
 * #GPU_MEMORY} in MiB). A cordoned node ({@code spec.unschedulable}) or one whose {@code Ready}
 * condition is not {@code True} is left out, so no gang is placed there, as is one with a taint
 * that says the cloud is taking it back ({@link ClusterGrowthSettings#terminationTaints}). Other
 * taints are not read: GPU nodes are usually tainted for GPU pods only, which Capstan's pods
 * tolerate. A node with a spot label ({@link ClusterGrowthSettings#spotLabels}) is marked spot.
 */
final class KubernetesNodes {
  static final String GPU_PRODUCT = "nvidia.com/gpu.product";
  static final String GPU_MEMORY = "nvidia.com/gpu.memory";

  private final String gpuResource;
  private final ClusterGrowthSettings growth;

  KubernetesNodes(KubernetesSettings settings, ClusterGrowthSettings growth) {
    this.gpuResource = requireNonNull(settings, "settings is null").gpuResource();
    this.growth = requireNonNull(growth, "growth is null");
  }

  KubernetesNodes(KubernetesSettings settings) {
    this(settings, ClusterGrowthSettings.defaults());
  }

  /** The nodes that can take replicas, in name order. */
  List<Node> usable(List<io.fabric8.kubernetes.api.model.Node> nodes) {
    return nodes.stream()
        .filter(KubernetesNodes::schedulable)
        .filter(node -> !beingTakenBack(node))
        .map(this::node)
        .sorted(java.util.Comparator.comparing(Node::name))
        .toList();
  }

  private static boolean schedulable(io.fabric8.kubernetes.api.model.Node node) {
    boolean cordoned =
        node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable());
    List<NodeCondition> conditions =
        node.getStatus() == null || node.getStatus().getConditions() == null
            ? List.of()
            : node.getStatus().getConditions();
    boolean ready =
        conditions.stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    return !cordoned && ready;
  }

  /** Whether the node has a taint of the cloud taking it back. */
  boolean beingTakenBack(io.fabric8.kubernetes.api.model.Node node) {
    if (node.getSpec() == null || node.getSpec().getTaints() == null) {
      return false;
    }
    return node.getSpec().getTaints().stream()
        .anyMatch(taint -> growth.terminationTaints().contains(taint.getKey()));
  }

  /** Whether the node is spot capacity, by its labels. */
  boolean spot(io.fabric8.kubernetes.api.model.Node node) {
    Map<String, String> labels = node.getMetadata().getLabels();
    return labels != null && growth.spot(labels);
  }

  private Node node(io.fabric8.kubernetes.api.model.Node node) {
    Map<String, Quantity> allocatable =
        node.getStatus().getAllocatable() == null ? Map.of() : node.getStatus().getAllocatable();
    long cpuMillis = amount(allocatable.get("cpu")).movePointRight(3).longValue();
    long memory = amount(allocatable.get("memory")).longValue();
    int gpuCount = amount(allocatable.get(gpuResource)).intValue();
    Map<String, String> labels =
        node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
    String model = labels.getOrDefault(GPU_PRODUCT, "");
    long gpuMemory = mebibytes(labels.get(GPU_MEMORY));
    List<Node.Gpu> gpus = new ArrayList<>(gpuCount);
    for (int index = 0; index < gpuCount; index++) {
      gpus.add(new Node.Gpu(index, model, gpuMemory));
    }
    return new Node(
        node.getMetadata().getName(),
        new Resources(cpuMillis, memory, gpuCount),
        gpus,
        labels,
        spot(node));
  }

  private static BigDecimal amount(Quantity quantity) {
    return quantity == null ? BigDecimal.ZERO : Quantity.getAmountInBytes(quantity);
  }

  private static long mebibytes(String label) {
    if (label == null || !label.matches("[0-9]{1,9}")) {
      return 0;
    }
    return Long.parseLong(label) << 20;
  }
}
