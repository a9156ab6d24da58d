package io.capstan.scheduler.simulation;

import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodAllocation;
import io.capstan.scheduler.cluster.PodDemand;
import io.capstan.scheduler.placement.GangPlacer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Places each pod on the first node where it fits, on the lowest free devices: a test placer. */
final class TestingFirstFitPlacer implements GangPlacer {
  @Override
  public Optional<List<PodAllocation>> place(List<PodDemand> gang, List<NodeState> nodes) {
    List<NodeState> working = new ArrayList<>(nodes);
    List<PodAllocation> placed = new ArrayList<>();
    for (PodDemand pod : gang) {
      Optional<PodAllocation> allocation = placeOne(pod, working);
      if (allocation.isEmpty()) {
        return Optional.empty();
      }
      placed.add(allocation.get());
    }
    return Optional.of(placed);
  }

  private static Optional<PodAllocation> placeOne(PodDemand pod, List<NodeState> working) {
    for (int i = 0; i < working.size(); i++) {
      NodeState node = working.get(i);
      if (!node.fits(pod)) {
        continue;
      }
      PodAllocation allocation = new PodAllocation(node.name(), pod, devices(pod, node));
      working.set(i, node.allocate(allocation));
      return Optional.of(allocation);
    }
    return Optional.empty();
  }

  private static List<Integer> devices(PodDemand pod, NodeState node) {
    if (pod.gpus() == 0) {
      return List.of();
    }
    if (!pod.sharesGpu()) {
      return node.fullyFreeGpus().subList(0, pod.gpus());
    }
    for (int index = 0; index < node.gpuCount(); index++) {
      if (node.gpuFreeMilli(index) >= pod.gpuMilli()) {
        return List.of(index);
      }
    }
    throw new IllegalStateException("Expected a device with room on " + node);
  }
}
