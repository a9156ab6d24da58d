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
import org.junit.jupiter.api.Test;

class VictimBoundTest {
  @Test
  void sumsTheLargestValues() {
    long[] values = {1, 8, 1, 4, 8, 2, 1};
    assertThat(VictimBound.sumOfLargest(values, 2)).isEqualTo(16);
    assertThat(VictimBound.sumOfLargest(values, 3)).isEqualTo(20);
    assertThat(VictimBound.sumOfLargest(values, 7)).isEqualTo(25);
    assertThat(VictimBound.sumOfLargest(values, 100)).isEqualTo(25);
    assertThat(VictimBound.sumOfLargest(values, 0)).isZero();
    assertThat(VictimBound.sumOfLargest(new long[] {5, 4, 3, 2, 1}, 2)).isEqualTo(9);
    assertThat(VictimBound.sumOfLargest(new long[] {1, 2, 3, 4, 5}, 2)).isEqualTo(9);
  }

  @Test
  void largestAnswersAsTheBoundOnTheVictimList() {
    // Two nodes of 8 GPUs, full with jobs of 1, 2 and 5 GPUs on the first, 8 on the second.
    List<NodeState> nodes = new ArrayList<>();
    List<RunningWorkload> victims = new ArrayList<>();
    int[][] jobs = {{1, 2, 5}, {8}};
    for (int n = 0; n < jobs.length; n++) {
      NodeState node = NodeState.empty(node("n" + n, 8));
      int device = 0;
      for (int gpus : jobs[n]) {
        Workload job = workload("j" + n + "-" + gpus).gpus(gpus).build();
        List<Integer> devices = new ArrayList<>();
        for (int i = 0; i < gpus; i++) {
          devices.add(device++);
        }
        PodAllocation allocation = new PodAllocation(node.name(), job.pods().get(0), devices);
        node = node.allocate(allocation);
        victims.add(new RunningWorkload(job, List.of(allocation), T0, 0, false));
      }
      nodes.add(node);
    }
    QuotaBook book = QuotaBook.of(Map.of(), ResourceAmounts.gpus(16), victims);
    WorkingSnapshot snapshot = WorkingSnapshot.of(nodes, book);
    VictimBound.Largest largest = new VictimBound.Largest(snapshot, victims);
    for (int gpus = 1; gpus <= 16; gpus++) {
      Workload candidate = workload("c" + gpus).gpus(gpus).build();
      for (int budget = 0; budget <= 5; budget++) {
        assertThat(largest.mayFreeEnough(candidate, snapshot, budget))
            .as("%d GPUs, budget %d", gpus, budget)
            .isEqualTo(VictimBound.mayFreeEnough(candidate, snapshot, victims, budget));
      }
    }
    assertThat(largest.mayFreeEnough(workload("c").gpus(13).build(), snapshot, 2)).isTrue();
    assertThat(largest.mayFreeEnough(workload("c").gpus(14).build(), snapshot, 2)).isFalse();
  }
}
