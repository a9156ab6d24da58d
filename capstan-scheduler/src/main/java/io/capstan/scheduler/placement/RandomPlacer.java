package io.capstan.scheduler.placement;

import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodAllocation;
import io.capstan.scheduler.cluster.PodDemand;
import io.capstan.scheduler.placement.PodByPodPlacement.Choice;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Random fit: each pod goes to a node drawn uniformly from those it fits, a GPU share to a device
 * drawn uniformly from those it fits on; whole GPUs are the lowest fully free devices (they are
 * alike). The draws are seeded with the seed and the input, so the same input gives the same
 * answer.
 */
public final class RandomPlacer implements GangPlacer {
  private final long seed;
  private final SnapshotViews views = new SnapshotViews(NodeMeasure.NONE);

  public RandomPlacer(long seed) {
    this.seed = seed;
  }

  @Override
  public Optional<List<PodAllocation>> place(List<PodDemand> gang, List<NodeState> nodes) {
    SplittableRandom random =
        new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * inputHash(gang, nodes)));
    return PodByPodPlacement.place(
        gang, nodes, views, (pod, working, gangNode) -> choose(pod, working, random));
  }

  private static Optional<Choice> choose(PodDemand pod, NodeView[] nodes, SplittableRandom random) {
    int chosen = -1;
    int feasible = 0;
    for (int i = 0; i < nodes.length; i++) {
      if (nodes[i].fits(pod) && random.nextInt(++feasible) == 0) {
        chosen = i;
      }
    }
    if (chosen < 0) {
      return Optional.empty();
    }
    NodeView node = nodes[chosen];
    if (!pod.sharesGpu()) {
      return Optional.of(Choice.of(chosen, node.defaultDevices(pod)));
    }
    int device = -1;
    int fitting = 0;
    for (int g = 0; g < node.gpuCount(); g++) {
      if (node.gpuFree(g) >= pod.gpuMilli() && random.nextInt(++fitting) == 0) {
        device = g;
      }
    }
    return Optional.of(Choice.of(chosen, new int[] {device}));
  }

  private static long inputHash(List<PodDemand> gang, List<NodeState> nodes) {
    long hash = gang.hashCode();
    for (NodeState node : nodes) {
      hash = hash * 31 + node.name().hashCode();
      hash = hash * 31 + node.used().cpuMillis();
      for (int g = 0; g < node.gpuCount(); g++) {
        hash = hash * 31 + node.gpuUsedMilli(g);
      }
    }
    return hash;
  }
}
