package io.capstan.scheduler;

import static io.capstan.scheduler.TestingWorkloads.T0;
import static io.capstan.scheduler.TestingWorkloads.node;
import static io.capstan.scheduler.TestingWorkloads.queue;
import static io.capstan.scheduler.TestingWorkloads.workload;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodAllocation;
import io.capstan.scheduler.cluster.ResourceAmounts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AllowedVictimsTest {
  private static final int NODES = 4;

  private final List<NodeState> nodes = new ArrayList<>();
  private final List<RunningWorkload> running = new ArrayList<>();
  private final int[] nextDevice = new int[NODES];

  /** Queue b borrows everything it uses; queue a stays within its nominal 8 GPUs. */
  private final Map<String, QueueSpec> queues = Map.of("a", queue("a", 8), "b", queue("b", 0));

  @Test
  void afterAPreemptionTheKeptListsAndSnapshotsAreThoseFoundAfresh() {
    for (int i = 0; i < 12; i++) {
      run(workload("b" + i).queue("b").gpus(1).build(), i % NODES);
    }
    for (int i = 0; i < 4; i++) {
      run(workload("a" + i).queue("a").gpus(1).build(), i % NODES);
    }
    WorkingSnapshot future =
        WorkingSnapshot.of(nodes, QuotaBook.of(queues, ResourceAmounts.gpus(32), running));
    // Reclaims in a: may preempt every lower-priority job; in b: only b's own.
    PendingWorkload reclaimer = workload("ra").queue("a").priority(1).gpus(2).pending();
    PendingWorkload borrower = workload("rb").queue("b").priority(1).gpus(1).pending();
    AllowedVictims victims = new AllowedVictims(running, T0);
    for (PendingWorkload pending : List.of(reclaimer, borrower)) {
      victims.of(pending, future.book());
      victims.releasedAll(pending, future);
    }
    assertThat(victims.of(borrower, future.book())).allMatch(v -> v.workload().queue().equals("b"));

    // Queue a's two most recent jobs stop; queue b may not preempt them.
    List<RunningWorkload> stopped = List.of(running.get(15), running.get(14));
    Workload candidate = reclaimer.workload();
    List<PodAllocation> placement =
        List.of(new PodAllocation("n3", candidate.pods().get(0), List.of(4, 5)));
    WorkingSnapshot after = future.withReleased(stopped).withAllocated(candidate, placement);
    AllowedVictims kept = victims.without(stopped, future, after, candidate, placement);

    List<RunningWorkload> rest = new ArrayList<>(running);
    rest.removeAll(stopped);
    AllowedVictims fresh = new AllowedVictims(rest, T0);
    for (PendingWorkload pending : List.of(reclaimer, borrower)) {
      assertThat(kept.of(pending, after.book())).isEqualTo(fresh.of(pending, after.book()));
      assertThat(describe(kept.releasedAll(pending, after)))
          .isEqualTo(describe(fresh.releasedAll(pending, after)));
    }
  }

  private void run(Workload job, int node) {
    PodAllocation allocation =
        new PodAllocation("n" + node, job.pods().get(0), List.of(nextDevice[node]++));
    while (nodes.size() <= node) {
      nodes.add(NodeState.empty(node("n" + nodes.size(), 8)));
    }
    nodes.set(node, nodes.get(node).allocate(allocation));
    running.add(
        new RunningWorkload(job, List.of(allocation), T0.plusSeconds(running.size()), 0, false));
  }

  /** Each node's used devices and the usage of each queue. */
  private static List<String> describe(WorkingSnapshot snapshot) {
    List<String> lines = new ArrayList<>();
    for (NodeState node : snapshot.nodes()) {
      StringBuilder devices = new StringBuilder(node.name()).append(':');
      for (int device = 0; device < node.gpuCount(); device++) {
        devices.append(' ').append(node.gpuUsedMilli(device));
      }
      lines.add(devices.toString());
    }
    for (String queue : snapshot.book().queueNames()) {
      lines.add(queue + " uses " + snapshot.book().usage(queue));
    }
    return lines;
  }
}
