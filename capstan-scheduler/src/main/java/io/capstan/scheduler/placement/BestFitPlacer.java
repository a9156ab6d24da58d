package io.capstan.scheduler.placement;

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
    return PodByPodPlacement.place(gang, nodes, views, BestFitPlacer::choose);
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
              || gpu < bestGpu
              || (gpu == bestGpu && cpu < bestCpu)
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
}
