package io.capstan.scheduler.cluster;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Where one pod of a gang was placed: its node and GPU device indices there, each used at {@code
 * demand.gpuMilli()}.
 */
public record PodAllocation(String node, PodDemand demand, List<Integer> gpuIndices) {
  public PodAllocation {
    requireNonNull(node, "node is null");
    requireNonNull(demand, "demand is null");
    gpuIndices = List.copyOf(gpuIndices);
    if (gpuIndices.size() != demand.gpus()) {
      throw new IllegalArgumentException(
          "Expected " + demand.gpus() + " GPU indices for " + demand + ", but got " + gpuIndices);
    }
  }
}
