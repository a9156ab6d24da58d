package io.capstan.scheduler.placement;

import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodDemand;
import io.capstan.scheduler.cluster.ResourceAmounts;
import java.util.List;

/**
 * A node's free resources in primitives, read once from a {@link NodeState} snapshot, with its
 * score under a {@link NodeMeasure}; immutable, {@link #allocate} returns a new view.
 */
final class NodeView {
  private final String name;
  private final long cpuFree;
  private final long memoryFree;
  private final int[] gpuFree;
  private final int fullyFreeGpus;
  private final boolean inUse;
  private final double measured;

  private NodeView(
      String name,
      long cpuFree,
      long memoryFree,
      int[] gpuFree,
      boolean inUse,
      NodeMeasure measure) {
    this.name = name;
    this.cpuFree = cpuFree;
    this.memoryFree = memoryFree;
    this.gpuFree = gpuFree;
    int fullyFree = 0;
    for (int free : gpuFree) {
      if (free == PodDemand.WHOLE_GPU) {
        fullyFree++;
      }
    }
    this.fullyFreeGpus = fullyFree;
    this.inUse = inUse;
    this.measured = measure.of(cpuFree, memoryFree, gpuFree);
  }

  static NodeView of(NodeState state, NodeMeasure measure) {
    int[] free = new int[state.gpuCount()];
    for (int i = 0; i < free.length; i++) {
      free[i] = state.gpuFreeMilli(i);
    }
    ResourceAmounts used = state.used();
    return new NodeView(
        state.name(),
        state.spec().cpuMillis() - used.cpuMillis(),
        state.spec().memoryBytes() - used.memoryBytes(),
        free,
        !used.isZero(),
        measure);
  }

  String name() {
    return name;
  }

  long cpuFree() {
    return cpuFree;
  }

  long memoryFree() {
    return memoryFree;
  }

  int gpuCount() {
    return gpuFree.length;
  }

  int gpuFree(int index) {
    return gpuFree[index];
  }

  long gpuFreeTotal() {
    long total = 0;
    for (int free : gpuFree) {
      total += free;
    }
    return total;
  }

  /** Whether anything is allocated here. */
  boolean inUse() {
    return inUse;
  }

  /** This node's score under the measure it was built with. */
  double measured() {
    return measured;
  }

  int[] gpuFreeCopy() {
    return gpuFree.clone();
  }

  /** Whether {@code demand} fits on some choice of devices. */
  boolean fits(PodDemand demand) {
    if (demand.cpuMillis() > cpuFree || demand.memoryBytes() > memoryFree) {
      return false;
    }
    if (demand.gpus() == 0) {
      return true;
    }
    if (demand.sharesGpu()) {
      for (int free : gpuFree) {
        if (free >= demand.gpuMilli()) {
          return true;
        }
      }
      return false;
    }
    return fullyFreeGpus >= demand.gpus();
  }

  /** The {@code count} lowest indices of fully free devices; there must be enough. */
  int[] lowestFullyFree(int count) {
    int[] chosen = new int[count];
    int found = 0;
    for (int i = 0; i < gpuFree.length && found < count; i++) {
      if (gpuFree[i] == PodDemand.WHOLE_GPU) {
        chosen[found++] = i;
      }
    }
    if (found < count) {
      throw new IllegalStateException(
          "Expected " + count + " fully free GPUs on node " + name + ", but was " + found);
    }
    return chosen;
  }

  /** The fitting device with the least free thousandths (the most used), lowest index on ties. */
  int mostUsedFitting(int gpuMilli) {
    int best = -1;
    for (int i = 0; i < gpuFree.length; i++) {
      if (gpuFree[i] >= gpuMilli && (best < 0 || gpuFree[i] < gpuFree[best])) {
        best = i;
      }
    }
    return best;
  }

  /**
   * The devices a pod of {@code demand} would use here: the fitting one or the lowest free ones.
   */
  int[] defaultDevices(PodDemand demand) {
    if (demand.gpus() == 0) {
      return new int[0];
    }
    if (demand.sharesGpu()) {
      return new int[] {mostUsedFitting(demand.gpuMilli())};
    }
    return lowestFullyFree(demand.gpus());
  }

  NodeView allocate(PodDemand demand, List<Integer> devices, NodeMeasure measure) {
    int[] free = gpuFree.clone();
    for (int device : devices) {
      free[device] -= demand.gpuMilli();
    }
    return new NodeView(
        name, cpuFree - demand.cpuMillis(), memoryFree - demand.memoryBytes(), free, true, measure);
  }
}
