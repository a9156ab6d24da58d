package io.capstan.scheduler;

import static io.capstan.scheduler.TestingWorkloads.T0;
import static io.capstan.scheduler.TestingWorkloads.node;
import static io.capstan.scheduler.TestingWorkloads.queue;
import static io.capstan.scheduler.TestingWorkloads.spotNode;
import static io.capstan.scheduler.TestingWorkloads.workload;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.scheduler.cluster.PodAllocation;
import io.capstan.scheduler.placement.BestFitPlacer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Spot nodes are preferred for workloads that checkpoint and avoided by the others while other
 * nodes fit: a preference, so either kind still goes to the other pool when its own has no room.
 */
class SpotPoolPreferenceTest {
  private final Scheduler scheduler = TestingCluster.scheduler(new BestFitPlacer());

  @Test
  void aCheckpointingJobGoesToTheSpotNodeAndAnotherToTheOnDemandNode() {
    // On-demand first, so that a placer without the preference would pick it for both.
    TestingCluster cluster = twoPools();
    cluster.submit(workload("trains").gpus(4).checkpoints().build());
    cluster.submit(workload("serves").gpus(4).at(T0.plusSeconds(1)).build());

    CycleResult result = cluster.cycle(scheduler, T0.plusSeconds(5));

    assertThat(nodesOf(result, "trains")).containsOnly("spot-1");
    assertThat(nodesOf(result, "serves")).containsOnly("ondemand-1");
  }

  @Test
  void aJobThatDoesNotCheckpointGoesToASpotNodeWhenNothingElseFits() {
    TestingCluster cluster = twoPools();
    cluster.submit(workload("big").gpus(8).pods(2).build());

    CycleResult result = cluster.cycle(scheduler, T0.plusSeconds(5));

    assertThat(nodesOf(result, "big")).containsExactlyInAnyOrder("ondemand-1", "spot-1");
  }

  @Test
  void aCheckpointingJobTakesOnDemandNodesWhenTheSpotPoolIsFull() {
    TestingCluster cluster = twoPools();
    cluster.submit(workload("first").gpus(8).checkpoints().build());
    cluster.submit(workload("second").gpus(8).checkpoints().at(T0.plusSeconds(1)).build());

    CycleResult result = cluster.cycle(scheduler, T0.plusSeconds(5));

    assertThat(nodesOf(result, "first")).containsOnly("spot-1");
    assertThat(nodesOf(result, "second")).containsOnly("ondemand-1");
  }

  @Test
  void withoutSpotNodesNothingChanges() {
    TestingCluster cluster =
        new TestingCluster(List.of(node("a", 8), node("b", 8)), List.of(queue("default", 16)));
    cluster.submit(workload("trains").gpus(8).checkpoints().build());

    CycleResult result = cluster.cycle(scheduler, T0.plusSeconds(5));

    assertThat(result.admitted()).singleElement();
  }

  private static TestingCluster twoPools() {
    return new TestingCluster(
        List.of(node("ondemand-1", 8), spotNode("spot-1", 8)), List.of(queue("default", 16)));
  }

  private static List<String> nodesOf(CycleResult result, String id) {
    return result.admitted().stream()
        .filter(admission -> admission.workloadId().equals(id))
        .flatMap(admission -> admission.allocations().stream())
        .map(PodAllocation::node)
        .toList();
  }
}
