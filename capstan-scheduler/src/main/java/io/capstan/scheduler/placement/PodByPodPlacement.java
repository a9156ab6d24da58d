package io.capstan.scheduler.placement;

import static java.util.Objects.requireNonNull;

import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodAllocation;
import io.capstan.scheduler.cluster.PodDemand;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The loop every placer here shares: places a gang's pods one by one on a working copy of the
 * snapshots, applying each allocation before choosing for the next pod; all or nothing. A chooser
 * picks among nodes that fit, in node order, so it sees only the nodes with room when the list can
 * tell ({@link NodesWithRoom}).
 */
final class PodByPodPlacement {
  private PodByPodPlacement() {}

  /** Chooses a node and devices for one pod, or empty when it fits nowhere. */
  @FunctionalInterface
  interface PodChooser {
    /**
     * @param gangNode index of the node the gang's previous pod went to, -1 for the first pod;
     *     preferred on ties
     */
    Optional<Choice> choose(PodDemand pod, NodeView[] nodes, int gangNode);
  }

  /** A node index and the device indices there. */
  record Choice(int node, List<Integer> devices) {
    Choice {
      devices = List.copyOf(devices);
    }

    static Choice of(int node, int[] devices) {
      List<Integer> list = new ArrayList<>(devices.length);
      for (int device : devices) {
        list.add(device);
      }
      return new Choice(node, list);
    }
  }

  static Optional<List<PodAllocation>> place(
      List<PodDemand> gang, List<NodeState> nodes, SnapshotViews views, PodChooser chooser) {
    requireNonNull(gang, "gang is null");
    requireNonNull(nodes, "nodes is null");
    NodeView[] working = workingCopy(gang, nodes, views);
    List<PodAllocation> allocations = new ArrayList<>(gang.size());
    int gangNode = -1;
    for (PodDemand pod : gang) {
      requireNonNull(pod, "pod is null");
      Optional<Choice> choice = chooser.choose(pod, working, gangNode);
      if (choice.isEmpty()) {
        return Optional.empty();
      }
      int node = choice.get().node();
      List<Integer> devices = choice.get().devices();
      allocations.add(new PodAllocation(working[node].name(), pod, devices));
      working[node] = working[node].allocate(pod, devices, views.measure());
      gangNode = node;
    }
    return Optional.of(List.copyOf(allocations));
  }

  /** Views of the nodes a pod of the gang may go to: only those with room, when the list tells. */
  private static NodeView[] workingCopy(
      List<PodDemand> gang, List<NodeState> nodes, SnapshotViews views) {
    if (nodes instanceof NodesWithRoom room) {
      // With room on many nodes, views of all are cheaper: the last call's are reused.
      Optional<int[]> withRoom = room.mayFitAny(gang, nodes.size() / 8);
      if (withRoom.isPresent()) {
        return views.workingCopy(nodes, withRoom.get());
      }
    }
    return views.workingCopy(nodes);
  }
}
