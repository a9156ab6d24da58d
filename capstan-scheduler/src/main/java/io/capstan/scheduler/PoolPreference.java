package io.capstan.scheduler;

import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodAllocation;
import io.capstan.scheduler.cluster.PodDemand;
import io.capstan.scheduler.placement.GangPlacer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Spot nodes for workloads that checkpoint, on-demand nodes for the others: a preference, not a
 * rule. The gang is placed on its preferred pool when it fits there whole, else on every node.
 */
final class PoolPreference {
  private PoolPreference() {}

  /** The placer's answer on the preferred pool, or on all of {@code nodes} when none fits. */
  static Optional<List<PodAllocation>> place(
      GangPlacer placer, List<PodDemand> pods, boolean checkpoints, List<NodeState> nodes) {
    List<NodeState> preferred = new ArrayList<>();
    for (NodeState node : nodes) {
      if (node.spec().spot() == checkpoints) {
        preferred.add(node);
      }
    }
    if (!preferred.isEmpty() && preferred.size() < nodes.size()) {
      Optional<List<PodAllocation>> there = placer.place(pods, preferred);
      if (there.isPresent()) {
        return there;
      }
    }
    return placer.place(pods, nodes);
  }
}
