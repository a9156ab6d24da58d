package io.capstan.scheduler.placement;

import static io.capstan.scheduler.placement.TestingNodes.GIB;
import static io.capstan.scheduler.placement.TestingNodes.cpuOnly;
import static io.capstan.scheduler.placement.TestingNodes.node;
import static io.capstan.scheduler.placement.TestingNodes.share;
import static io.capstan.scheduler.placement.TestingNodes.whole;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodAllocation;
import io.capstan.scheduler.cluster.PodDemand;
import io.capstan.scheduler.placement.FragmentationAwarePlacer.Scoring;
import java.util.List;
import org.junit.jupiter.api.Test;

class FragmentationAwarePlacerTest {
  private static final List<TaskType> WHOLE_GPU_TASKS = List.of(new TaskType(whole(1), 1));

  @Test
  void fillsAPartlyUsedGpuInsteadOfBreakingAFreeOne() {
    List<NodeState> nodes =
        List.of(node("a").gpus(1).used(0, 500).build(), node("b").gpus(1).build());

    assertThat(new FragmentationAwarePlacer(WHOLE_GPU_TASKS).place(List.of(share(500)), nodes))
        .contains(List.of(new PodAllocation("a", share(500), List.of(0))));
  }

  @Test
  void avoidsTheWholeGpuThatBestFitBreaks() {
    // a: device 0 has 300 free, device 1 is free; b: one free device.
    List<NodeState> nodes =
        List.of(node("a").gpus(2).used(0, 700).build(), node("b").gpus(1).build());
    List<PodDemand> gang = List.of(share(300));

    assertThat(new FragmentationAwarePlacer(WHOLE_GPU_TASKS).place(gang, nodes))
        .contains(List.of(new PodAllocation("a", share(300), List.of(0))));
    // Best fit leaves b with 700 free, less than a's 1000, and so breaks b's whole GPU.
    assertThat(new BestFitPlacer().place(gang, nodes))
        .contains(List.of(new PodAllocation("b", share(300), List.of(0))));
  }

  @Test
  void choosesTheDeviceThatFragmentsLeast() {
    // Device 0 has 600 free, device 1 has 400; a 0.4 share fills device 1 exactly.
    List<NodeState> nodes = List.of(node("a").gpus(2).used(0, 400).used(1, 600).build());
    List<TaskType> workload = List.of(new TaskType(share(600), 1));

    assertThat(new FragmentationAwarePlacer(workload).place(List.of(share(400)), nodes))
        .contains(List.of(new PodAllocation("a", share(400), List.of(1))));
  }

  @Test
  void tiesIncreasesWithinOneNodeScorePointUnlessExact() {
    // A 20-thousandths share fits a's 25 free before and after (increase 0); b's 15 free shrink
    // to 10 (increase -5). Both are node score 50, so node order decides unless exact.
    List<NodeState> nodes =
        List.of(node("a").gpus(1).used(0, 975).build(), node("b").gpus(1).used(0, 985).build());
    List<TaskType> workload = List.of(new TaskType(share(20), 1));

    assertThat(new FragmentationAwarePlacer(workload).place(List.of(share(5)), nodes).orElseThrow())
        .extracting(PodAllocation::node)
        .containsExactly("a");
    assertThat(
            new FragmentationAwarePlacer(workload, Scoring.EXACT)
                .place(List.of(share(5)), nodes)
                .orElseThrow())
        .extracting(PodAllocation::node)
        .containsExactly("b");
  }

  @Test
  void keepsAGangTogetherOnTies() {
    // The first pod needs 4 cpus and only b has them; the second fits a and b equally well.
    List<NodeState> nodes =
        List.of(node("a").cpus(2).gpus(2).build(), node("b").cpus(8).gpus(2).build());
    PodDemand big = PodDemand.of(4000, GIB, 1);
    PodDemand small = PodDemand.of(1000, GIB, 1);
    FragmentationAwarePlacer placer = new FragmentationAwarePlacer(List.of(new TaskType(small, 1)));

    assertThat(placer.place(List.of(big, small), nodes).orElseThrow())
        .extracting(PodAllocation::node)
        .containsExactly("b", "b");
    assertThat(placer.place(List.of(small), nodes).orElseThrow())
        .extracting(PodAllocation::node)
        .containsExactly("a");
  }

  @Test
  void derivesTheWorkloadFromObservedDemands() {
    List<TaskType> types =
        TaskType.fromObserved(List.of(share(500), whole(1), share(500), cpuOnly(2)));

    assertThat(types)
        .containsExactly(
            new TaskType(share(500), 0.5),
            new TaskType(whole(1), 0.25),
            new TaskType(cpuOnly(2), 0.25));
    assertThatThrownBy(() -> new TaskType(whole(1), 0))
        .hasMessageContaining("Expected a positive finite popularity");
    assertThatThrownBy(() -> new FragmentationAwarePlacer(List.of()))
        .hasMessage("Expected at least one task type, but was none");
  }
}
