package io.capstan.scheduler.cluster;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * A node's capacity: CPU, memory and a number of identical GPU devices of one model.
 *
 * @param gpuModel e.g. {@code V100}; empty when the node has no GPU
 * @param spot capacity the cloud may take back at short notice (a spot or preemptible node):
 *     checkpointing workloads are preferred there, others avoid it when other nodes fit
 */
public record NodeSpec(
    String name,
    long cpuMillis,
    long memoryBytes,
    int gpus,
    String gpuModel,
    Map<String, String> labels,
    boolean spot) {
  public NodeSpec {
    requireNonNull(name, "name is null");
    gpuModel = gpuModel == null ? "" : gpuModel;
    labels = Map.copyOf(requireNonNull(labels, "labels is null"));
    if (cpuMillis < 0 || memoryBytes < 0 || gpus < 0) {
      throw new IllegalArgumentException("Expected non-negative capacity of node " + name);
    }
  }

  /** An on-demand node: one the cloud does not take back. */
  public NodeSpec(
      String name,
      long cpuMillis,
      long memoryBytes,
      int gpus,
      String gpuModel,
      Map<String, String> labels) {
    this(name, cpuMillis, memoryBytes, gpus, gpuModel, labels, false);
  }

  public ResourceAmounts capacity() {
    return new ResourceAmounts(cpuMillis, memoryBytes, (long) gpus * PodDemand.WHOLE_GPU);
  }
}
