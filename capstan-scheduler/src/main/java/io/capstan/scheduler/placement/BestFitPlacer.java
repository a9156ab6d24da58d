package io.capstan.scheduler.placement;

import static java.util.Objects.requireNonNull;

import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodAllocation;
import io.capstan.scheduler.cluster.PodDemand;
import io.capstan.scheduler.placement.PodByPodPlacement.Choice;
import java.util.List;
import java.util.Optional;

/**
 * Best fit: each pod goes to the fitting node left with the least free GPU, then the least free
 * cpu; a GPU share goes to the fitting device with the least free share. Ties go to the gang's
 * previous node, then to node order.
 */
public final class BestFitPlacer implements GangPlacer {
  private final SnapshotViews views = new SnapshotViews(NodeMeasure.NONE);

  @Override
  public Optional<List<PodAllocation>> place(List<PodDemand> gang, List<NodeState> nodes) {
    if (gang.size() == 1) {
      // A single pod needs no working copy: a CPU-only pod fits most nodes, and copying views of
      // all of them cost more than the choice itself.
      return placeOne(requireNonNull(gang.get(0), "pod is null"), nodes);
    }
    return PodByPodPlacement.place(gang, nodes, views, BestFitPlacer::choose);
  }

  /** As {@link PodByPodPlacement#place} with {@link #choose} for a gang of one pod. */
  private static Optional<List<PodAllocation>> placeOne(PodDemand pod, List<NodeState> nodes) {
    // A GPU pod has room on few nodes of a busy cluster, a CPU-only one on most: with room on
    // many, all are scanned.
    int[] withRoom =
        pod.gpus() > 0 && nodes instanceof NodesWithRoom room
            ? room.mayFitAny(List.of(pod), nodes.size() / 8).orElse(null)
            : null;
    int count = withRoom == null ? nodes.size() : withRoom.length;
    NodeState best = null;
    long bestGpu = 0;
    long bestCpu = 0;
    for (int k = 0; k < count; k++) {
      NodeState node =
          requireNonNull(nodes.get(withRoom == null ? k : withRoom[k]), "node is null");
      if (!node.fits(pod)) {
        continue;
      }
      long gpu = node.gpuFreeMilliTotal() - pod.totalGpuMilli();
      long cpu = node.cpuFreeMillis() - pod.cpuMillis();
      if (best == null || less(gpu, cpu, bestGpu, bestCpu)) {
        best = node;
        bestGpu = gpu;
        bestCpu = cpu;
      }
    }
    if (best == null) {
      return Optional.empty();
    }
    Choice choice = Choice.of(0, NodeView.of(best, NodeMeasure.NONE).defaultDevices(pod));
    return Optional.of(List.of(new PodAllocation(best.name(), pod, choice.devices())));
  }

  private static Optional<Choice> choose(PodDemand pod, NodeView[] nodes, int gangNode) {
    int best = -1;
    long bestGpu = 0;
    long bestCpu = 0;
    for (int i = 0; i < nodes.length; i++) {
      NodeView node = nodes[i];
      if (!node.fits(pod)) {
        continue;
      }
      long gpu = node.gpuFreeTotal() - pod.totalGpuMilli();
      long cpu = node.cpuFree() - pod.cpuMillis();
      boolean better =
          best < 0
              || less(gpu, cpu, bestGpu, bestCpu)
              || (gpu == bestGpu && cpu == bestCpu && i == gangNode);
      if (better) {
        best = i;
        bestGpu = gpu;
        bestCpu = cpu;
      }
    }
    return best < 0
        ? Optional.empty()
        : Optional.of(Choice.of(best, nodes[best].defaultDevices(pod)));
  }

  /**
   * Whether a node left with {@code gpu} and {@code cpu} free fits tighter than the best so far.
   */
  private static boolean less(long gpu, long cpu, long bestGpu, long bestCpu) {
    return gpu < bestGpu || (gpu == bestGpu && cpu < bestCpu);
  }
}
