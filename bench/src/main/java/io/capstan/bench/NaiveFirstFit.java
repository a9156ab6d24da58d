package io.capstan.bench;

import io.capstan.scheduler.PendingWorkload;
import io.capstan.scheduler.Workload;
import io.capstan.scheduler.cluster.NodeSpec;
import io.capstan.scheduler.cluster.PodDemand;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The admission baseline of {@link SchedulerSpeedBench}: one pass over the pending jobs by priority
 * then arrival, each gang placed first fit on mutable free-resource arrays, all or nothing. No
 * quota, fair sharing, backfill reservation, preemption or pending reasons: what admitting costs
 * with none of the scheduler's policy.
 */
final class NaiveFirstFit {
  static final Comparator<PendingWorkload> PRIORITY_THEN_ARRIVAL =
      Comparator.<PendingWorkload>comparingInt(p -> -p.workload().priority())
          .thenComparing(p -> p.workload().submittedAt())
          .thenComparing(p -> p.workload().id());

  private final long[] cpuFree;
  private final long[] memoryFree;
  private final int[] gpuFree;

  NaiveFirstFit(List<NodeSpec> nodes) {
    cpuFree = new long[nodes.size()];
    memoryFree = new long[nodes.size()];
    gpuFree = new int[nodes.size()];
    for (int i = 0; i < nodes.size(); i++) {
      cpuFree[i] = nodes.get(i).cpuMillis();
      memoryFree[i] = nodes.get(i).memoryBytes();
      gpuFree[i] = nodes.get(i).gpus();
    }
  }

  /** Admits what fits, in order; returns how many jobs were admitted. */
  int admit(List<PendingWorkload> pending) {
    List<PendingWorkload> ordered = new ArrayList<>(pending);
    ordered.sort(PRIORITY_THEN_ARRIVAL);
    int admitted = 0;
    for (PendingWorkload job : ordered) {
      if (place(job.workload())) {
        admitted++;
      }
    }
    return admitted;
  }

  private boolean place(Workload workload) {
    List<PodDemand> pods = workload.pods();
    int[] chosen = new int[pods.size()];
    for (int pod = 0; pod < pods.size(); pod++) {
      chosen[pod] = firstFit(pods.get(pod));
      if (chosen[pod] < 0) {
        for (int undo = 0; undo < pod; undo++) {
          take(chosen[undo], pods.get(undo), -1);
        }
        return false;
      }
      take(chosen[pod], pods.get(pod), 1);
    }
    return true;
  }

  private int firstFit(PodDemand pod) {
    for (int node = 0; node < gpuFree.length; node++) {
      if (cpuFree[node] >= pod.cpuMillis()
          && memoryFree[node] >= pod.memoryBytes()
          && gpuFree[node] >= pod.gpus()) {
        return node;
      }
    }
    return -1;
  }

  private void take(int node, PodDemand pod, int sign) {
    cpuFree[node] -= sign * pod.cpuMillis();
    memoryFree[node] -= sign * pod.memoryBytes();
    gpuFree[node] -= sign * pod.gpus();
  }
}
