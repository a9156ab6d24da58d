package io.capstan.scheduler.placement;

import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodAllocation;
import io.capstan.scheduler.cluster.PodDemand;
import io.capstan.scheduler.placement.PodByPodPlacement.Choice;
import java.util.List;
import java.util.Optional;

/**
 * The "packing" baseline of Weng et al. (ATC'23): a GPU share goes first to a node with a partly
 * used device it fits on, then to a node already in use, then to an idle node; other pods go to a
 * node in use before an idle one. Within a tier the gang's previous node comes first, then node
 * order; a share takes the most used device it fits on.
 */
public final class PackingPlacer implements GangPlacer {
  private static final int IDLE = 2;

  private final SnapshotViews views = new SnapshotViews(NodeMeasure.NONE);

  @Override
  public Optional<List<PodAllocation>> place(List<PodDemand> gang, List<NodeState> nodes) {
    return PodByPodPlacement.place(gang, nodes, views, PackingPlacer::choose);
  }

  private static Optional<Choice> choose(PodDemand pod, NodeView[] nodes, int gangNode) {
    int best = -1;
    int bestTier = Integer.MAX_VALUE;
    for (int i = 0; i < nodes.length; i++) {
      NodeView node = nodes[i];
      if (!node.fits(pod)) {
        continue;
      }
      int tier = tier(node, pod);
      if (tier < bestTier || (tier == bestTier && i == gangNode)) {
        best = i;
        bestTier = tier;
      }
    }
    return best < 0
        ? Optional.empty()
        : Optional.of(Choice.of(best, nodes[best].defaultDevices(pod)));
  }

  private static int tier(NodeView node, PodDemand pod) {
    if (pod.sharesGpu()) {
      int device = node.mostUsedFitting(pod.gpuMilli());
      if (node.gpuFree(device) < PodDemand.WHOLE_GPU) {
        return 0;
      }
    }
    return node.inUse() ? 1 : IDLE;
  }
}
