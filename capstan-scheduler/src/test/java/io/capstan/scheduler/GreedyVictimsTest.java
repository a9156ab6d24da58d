package io.capstan.scheduler;

import static io.capstan.scheduler.TestingWorkloads.T0;
import static io.capstan.scheduler.TestingWorkloads.node;
import static io.capstan.scheduler.TestingWorkloads.workload;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodAllocation;
import io.capstan.scheduler.cluster.ResourceAmounts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GreedyVictimsTest {
  @Test
  void findsTheShortestFittingPrefixAsAScanWould() {
    SplittableRandom random = new SplittableRandom(11);
    List<NodeState> nodes = new ArrayList<>();
    List<RunningWorkload> victims = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Workload job = workload("v" + i).gpus(1 + random.nextInt(8)).build();
      List<Integer> devices = new ArrayList<>();
      for (int device = 0; device < job.pods().get(0).gpus(); device++) {
        devices.add(device);
      }
      PodAllocation allocation = new PodAllocation("n" + i, job.pods().get(0), devices);
      nodes.add(NodeState.empty(node("n" + i, 8)).allocate(allocation));
      victims.add(new RunningWorkload(job, List.of(allocation), T0, 0, false));
    }
    WorkingSnapshot future =
        WorkingSnapshot.of(nodes, QuotaBook.of(Map.of(), ResourceAmounts.gpus(320), victims));
    PendingWorkload candidate = workload("c").priority(1).gpus(1).pending();
    long free = future.free().gpuMilli();
    long freed = 0;
    List<Long> freedBefore = new ArrayList<>();
    for (RunningWorkload victim : victims) {
      freed += victim.workload().total().gpuMilli();
      freedBefore.add(freed);
    }
    for (long needed = 1; needed <= freed + 1000; needed += 777) {
      long threshold = needed;
      int expected = 0;
      while (expected < victims.size() && freedBefore.get(expected) < threshold) {
        expected++;
      }
      List<RunningWorkload> chosen =
          new GreedyVictims(
                  candidate,
                  future,
                  victims.iterator(),
                  T0,
                  snapshot -> snapshot.free().gpuMilli() - free >= threshold)
              .choose();
      assertThat(chosen)
          .as("needing %d", threshold)
          .isEqualTo(expected == victims.size() ? List.of() : victims.subList(0, expected + 1));
    }
  }
}
