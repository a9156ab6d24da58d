package io.capstan.scheduler.cluster;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * A node's capacity: CPU, memory and a number of identical GPU devices of one model.
 *
 * @param gpuModel e.g. {@code V100}; empty when the node has no GPU
 */
public record NodeSpec(
    String name,
    long cpuMillis,
    long memoryBytes,
    int gpus,
    String gpuModel,
    Map<String, String> labels) {
  public NodeSpec {
    requireNonNull(name, "name is null");
    gpuModel = gpuModel == null ? "" : gpuModel;
    labels = Map.copyOf(requireNonNull(labels, "labels is null"));
    if (cpuMillis < 0 || memoryBytes < 0 || gpus < 0) {
      throw new IllegalArgumentException("Expected non-negative capacity of node " + name);
    }
  }

  public ResourceAmounts capacity() {
    return new ResourceAmounts(cpuMillis, memoryBytes, (long) gpus * PodDemand.WHOLE_GPU);
  }
}
