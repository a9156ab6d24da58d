package io.capstan.scheduler;

import static io.capstan.scheduler.TestingWorkloads.T0;
import static io.capstan.scheduler.TestingWorkloads.node;
import static io.capstan.scheduler.TestingWorkloads.queue;
import static io.capstan.scheduler.TestingWorkloads.workload;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.scheduler.growth.UnplaceableDemand;
import io.capstan.scheduler.placement.BestFitPlacer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A cycle names the gangs that more nodes would start (quota admits them, no free room holds them,
 * they claim nothing being freed), and {@link UnplaceableDemand} counts them by the node shapes
 * that would hold them whole.
 */
class UnplaceableGangsTest {
  private final Scheduler scheduler = TestingCluster.scheduler(new BestFitPlacer());

  @Test
  void aGangOfEightGpuPodsOnFourGpuNodesIsUnplaceableAndWantsNoShapeOfTheCluster() {
    TestingCluster cluster =
        new TestingCluster(List.of(node("a", 4), node("b", 4)), List.of(queue("default", 64)));
    cluster.submit(workload("big").gpus(8).pods(2).build());
    cluster.submit(workload("small").gpus(4).pods(3).at(T0.plusSeconds(1)).build());

    CycleResult result = cluster.cycle(scheduler, T0.plusSeconds(5));

    assertThat(result.unplaceable()).extracting(Workload::id).containsExactly("big", "small");
    assertThat(result.pendingReasons().get("big")).contains("more than any node offers");
    assertThat(UnplaceableDemand.of(result.unplaceable(), cluster.nodes(), new BestFitPlacer()))
        .containsExactly(
            new UnplaceableDemand.Want("gpus=4xA100,cpu=32,memory=256Gi", 1, 3, 12),
            new UnplaceableDemand.Want(UnplaceableDemand.NO_SHAPE, 1, 2, 16));
  }

  @Test
  void aGangCountsForEveryShapeThatHoldsItWhole() {
    TestingCluster cluster =
        new TestingCluster(
            List.of(node("small", 4), node("large", 8)), List.of(queue("default", 64)));
    cluster.start(workload("running").gpus(8).build(), T0);
    cluster.submit(workload("pair").gpus(8).pods(2).at(T0.plusSeconds(1)).build());

    CycleResult result = cluster.cycle(scheduler, T0.plusSeconds(5));

    assertThat(result.unplaceable()).extracting(Workload::id).containsExactly("pair");
    assertThat(UnplaceableDemand.of(result.unplaceable(), cluster.nodes(), new BestFitPlacer()))
        .containsExactly(new UnplaceableDemand.Want("gpus=8xA100,cpu=32,memory=256Gi", 1, 2, 16));
  }

  @Test
  void gangsHeldBackByQuotaOrWaitingForPreemptedWorkAreNotUnplaceable() {
    TestingCluster cluster =
        new TestingCluster(List.of(node("a", 8)), List.of(queue("default", 4), queue("other", 4)));
    cluster.submit(workload("over-quota").gpus(8).build());
    cluster.start(workload("stopping").queue("other").gpus(8).build(), T0, true);
    cluster.submit(workload("claims").queue("other").gpus(4).at(T0.plusSeconds(1)).build());

    CycleResult result = cluster.cycle(scheduler, T0.plusSeconds(5));

    assertThat(result.unplaceable()).isEmpty();
  }

  @Test
  void atSubmissionAGrowingClusterRefusesOnlyWhatTheQueueCanNeverHold() {
    List<io.capstan.scheduler.cluster.NodeSpec> nodes = List.of(node("a", 4));
    var queues = java.util.Map.of("default", queue("default", 32, 0, OrderingPolicy.FIFO));

    Workload large = workload("large").gpus(8).pods(2).build();
    Workload huge = workload("huge").gpus(8).pods(8).build();

    assertThat(scheduler.neverFits(large, nodes, queues)).isPresent();
    assertThat(scheduler.neverFitsGrowing(large, nodes, queues)).isEmpty();
    assertThat(scheduler.neverFitsGrowing(huge, nodes, queues)).isPresent();
  }
}
