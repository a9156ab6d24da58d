package io.capstan.scheduler;

import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodDemand;
import java.util.List;

/**
 * How many nodes have each number of fully free GPUs; immutable. It rules out, without scanning the
 * nodes, gangs whose whole-GPU pods cannot all find enough fully free devices on one node each: on
 * a full cluster most candidates stop here instead of in the placer.
 */
final class FreeGpuIndex {
  /** {@code nodesWith[f]}: the nodes with exactly {@code f} fully free GPUs. */
  private final int[] nodesWith;

  private FreeGpuIndex(int[] nodesWith) {
    this.nodesWith = nodesWith;
  }

  static FreeGpuIndex of(List<NodeState> nodes) {
    int most = 0;
    for (NodeState node : nodes) {
      most = Math.max(most, node.gpuCount());
    }
    int[] nodesWith = new int[most + 1];
    for (NodeState node : nodes) {
      nodesWith[node.fullyFreeGpuCount()]++;
    }
    return new FreeGpuIndex(nodesWith);
  }

  /** The index after a node changed from {@code before} to {@code after}. */
  FreeGpuIndex moved(NodeState before, NodeState after) {
    if (before.fullyFreeGpuCount() == after.fullyFreeGpuCount()) {
      return this;
    }
    int[] changed = nodesWith.clone();
    changed[before.fullyFreeGpuCount()]--;
    changed[after.fullyFreeGpuCount()]++;
    return new FreeGpuIndex(changed);
  }

  /** The most fully free GPUs any node has. */
  int mostFullyFree() {
    for (int free = nodesWith.length - 1; free > 0; free--) {
      if (nodesWith[free] > 0) {
        return free;
      }
    }
    return 0;
  }

  /**
   * False when the gang certainly does not fit: for some size g, its pods of g whole GPUs outnumber
   * the g-GPU blocks of fully free devices on the nodes. True does not promise a placement.
   */
  boolean mayHold(List<PodDemand> gang) {
    for (int pod = 0; pod < gang.size(); pod++) {
      PodDemand demand = gang.get(pod);
      if (wholeGpus(demand) > 0
          && firstOfSize(gang, pod)
          && blocks(demand.gpus()) < count(gang, demand.gpus())) {
        return false;
      }
    }
    return true;
  }

  /** How many pods of {@code gpus} whole GPUs the fully free devices could take. */
  private long blocks(int gpus) {
    long blocks = 0;
    for (int free = gpus; free < nodesWith.length; free++) {
      blocks += (long) nodesWith[free] * (free / gpus);
    }
    return blocks;
  }

  private static int wholeGpus(PodDemand demand) {
    return demand.sharesGpu() ? 0 : demand.gpus();
  }

  private static boolean firstOfSize(List<PodDemand> gang, int pod) {
    for (int earlier = 0; earlier < pod; earlier++) {
      if (wholeGpus(gang.get(earlier)) == gang.get(pod).gpus()) {
        return false;
      }
    }
    return true;
  }

  private static int count(List<PodDemand> gang, int gpus) {
    int count = 0;
    for (PodDemand demand : gang) {
      count += wholeGpus(demand) == gpus ? 1 : 0;
    }
    return count;
  }
}
