package io.capstan.scheduler.growth;

import static java.util.Objects.requireNonNull;

import io.capstan.scheduler.cluster.NodeSpec;
import java.util.Map;

/**
 * What a node of a pool offers, without its name: the unit a cluster grows by.
 *
 * @param gpuModel empty for a node without GPUs
 */
public record NodeShape(long cpuMillis, long memoryBytes, int gpus, String gpuModel) {
  public NodeShape {
    requireNonNull(gpuModel, "gpuModel is null");
  }

  /** The shape of {@code node}. */
  public static NodeShape of(NodeSpec node) {
    return new NodeShape(node.cpuMillis(), node.memoryBytes(), node.gpus(), node.gpuModel());
  }

  /** A new, empty node of this shape. */
  NodeSpec node(String name) {
    return new NodeSpec(name, cpuMillis, memoryBytes, gpus, gpuModel, Map.of());
  }

  /** As a metric's label: {@code gpus=8xNVIDIA-H100-80GB-HBM3,cpu=8,memory=64Gi}. */
  public String label() {
    String cpu = cpuMillis % 1000 == 0 ? Long.toString(cpuMillis / 1000) : cpuMillis + "m";
    return "gpus="
        + gpus
        + (gpuModel.isEmpty() ? "" : "x" + gpuModel)
        + ",cpu="
        + cpu
        + ",memory="
        + memory(memoryBytes);
  }

  private static String memory(long bytes) {
    long gibibyte = 1L << 30;
    long mebibyte = 1L << 20;
    if (bytes % gibibyte == 0) {
      return bytes / gibibyte + "Gi";
    }
    return bytes % mebibyte == 0 ? bytes / mebibyte + "Mi" : Long.toString(bytes);
  }
}
