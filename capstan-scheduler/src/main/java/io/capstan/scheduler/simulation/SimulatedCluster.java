package io.capstan.scheduler.simulation;

import io.capstan.scheduler.cluster.NodeSpec;
import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodAllocation;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The nodes of a simulation with the allocations of running jobs applied, kept incrementally. */
final class SimulatedCluster {
  private final NodeState[] nodes;
  private final Map<String, Integer> indexByName = new HashMap<>();
  private final long capacityGpuMilli;
  private long allocatedGpuMilli;

  SimulatedCluster(List<NodeSpec> specs) {
    nodes = new NodeState[specs.size()];
    long capacity = 0;
    for (int i = 0; i < nodes.length; i++) {
      NodeSpec spec = specs.get(i);
      if (indexByName.put(spec.name(), i) != null) {
        throw new IllegalArgumentException(
            "Expected unique node names, but " + spec.name() + " appears twice");
      }
      nodes[i] = NodeState.empty(spec);
      capacity += spec.capacity().gpuMilli();
    }
    capacityGpuMilli = capacity;
  }

  void allocate(List<PodAllocation> allocations) {
    for (PodAllocation allocation : allocations) {
      int index = index(allocation.node());
      nodes[index] = nodes[index].allocate(allocation);
      allocatedGpuMilli += allocation.demand().totalGpuMilli();
    }
  }

  void release(List<PodAllocation> allocations) {
    for (PodAllocation allocation : allocations) {
      int index = index(allocation.node());
      nodes[index] = nodes[index].release(allocation);
      allocatedGpuMilli -= allocation.demand().totalGpuMilli();
    }
  }

  List<NodeState> snapshot() {
    return Arrays.asList(nodes.clone());
  }

  long allocatedGpuMilli() {
    return allocatedGpuMilli;
  }

  long capacityGpuMilli() {
    return capacityGpuMilli;
  }

  private int index(String node) {
    Integer index = indexByName.get(node);
    if (index == null) {
      throw new IllegalStateException(
          "Expected an allocation on a node of the cluster, but it was on " + node);
    }
    return index;
  }
}
