package io.capstan.scheduler.placement;

import io.capstan.scheduler.cluster.NodeSpec;
import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodAllocation;
import io.capstan.scheduler.cluster.PodDemand;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Fluent node snapshots for placer tests: {@code node("a").cpus(8).gpus(2).used(0, 500)}. */
final class TestingNodes {
  static final long GIB = 1L << 30;

  private final String name;
  private long cpuMillis = 32_000;
  private long memoryBytes = 256 * GIB;
  private int gpus;
  private final List<int[]> used = new ArrayList<>();

  private TestingNodes(String name) {
    this.name = name;
  }

  static TestingNodes node(String name) {
    return new TestingNodes(name);
  }

  TestingNodes cpus(int cpus) {
    this.cpuMillis = cpus * 1000L;
    return this;
  }

  TestingNodes gpus(int gpus) {
    this.gpus = gpus;
    return this;
  }

  /** Device {@code index} with {@code milli} thousandths already allocated (no cpu or memory). */
  TestingNodes used(int index, int milli) {
    used.add(new int[] {index, milli});
    return this;
  }

  NodeState build() {
    NodeState state =
        NodeState.empty(new NodeSpec(name, cpuMillis, memoryBytes, gpus, "V100", Map.of()));
    for (int[] device : used) {
      state =
          state.allocate(
              new PodAllocation(
                  name,
                  device[1] == PodDemand.WHOLE_GPU
                      ? PodDemand.of(0, 0, 1)
                      : PodDemand.sharing(0, 0, device[1]),
                  List.of(device[0])));
    }
    return state;
  }

  static PodDemand share(int gpuMilli) {
    return PodDemand.sharing(1000, GIB, gpuMilli);
  }

  static PodDemand whole(int gpus) {
    return PodDemand.of(1000, GIB, gpus);
  }

  static PodDemand cpuOnly(int cpus) {
    return PodDemand.of(cpus * 1000L, GIB, 0);
  }

  /** {@code nodes} with {@code allocations} applied in order. */
  static List<NodeState> apply(List<NodeState> nodes, List<PodAllocation> allocations) {
    List<NodeState> result = new ArrayList<>(nodes);
    for (PodAllocation allocation : allocations) {
      for (int i = 0; i < result.size(); i++) {
        if (result.get(i).name().equals(allocation.node())) {
          result.set(i, result.get(i).allocate(allocation));
        }
      }
    }
    return result;
  }
}
