package io.capstan.scheduler.placement;

import static io.capstan.scheduler.placement.TestingNodes.cpuOnly;
import static io.capstan.scheduler.placement.TestingNodes.node;
import static io.capstan.scheduler.placement.TestingNodes.share;
import static io.capstan.scheduler.placement.TestingNodes.whole;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodAllocation;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BaselinePlacersTest {
  @Test
  void bestFitTakesTheNodeAndDeviceLeftWithTheLeastFreeGpu() {
    List<NodeState> nodes =
        List.of(
            node("a").gpus(4).build(),
            node("b").gpus(2).used(0, 300).build(),
            node("c").gpus(2).used(0, 600).used(1, 1000).build());

    assertThat(new BestFitPlacer().place(List.of(share(300)), nodes))
        .contains(List.of(new PodAllocation("c", share(300), List.of(0))));
    assertThat(new BestFitPlacer().place(List.of(whole(1)), nodes))
        .contains(List.of(new PodAllocation("b", whole(1), List.of(1))));
  }

  @Test
  void packingPrefersPartlyUsedDevicesThenBusyNodesThenIdleOnes() {
    List<NodeState> nodes =
        List.of(
            node("idle").gpus(2).build(),
            node("busy").gpus(2).used(0, 1000).build(),
            node("shared").gpus(2).used(1, 200).used(0, 900).build());
    PackingPlacer placer = new PackingPlacer();

    assertThat(placer.place(List.of(share(500)), nodes))
        .contains(List.of(new PodAllocation("shared", share(500), List.of(1))));
    assertThat(placer.place(List.of(share(900)), nodes))
        .contains(List.of(new PodAllocation("busy", share(900), List.of(1))));
    assertThat(placer.place(List.of(whole(2)), nodes))
        .contains(List.of(new PodAllocation("idle", whole(2), List.of(0, 1))));
    assertThat(placer.place(List.of(cpuOnly(1)), nodes))
        .contains(List.of(new PodAllocation("busy", cpuOnly(1), List.of())));
  }

  @Test
  void randomSpreadsOverFeasibleNodesDependingOnTheSeed() {
    List<NodeState> nodes =
        List.of(
            node("a").gpus(1).build(),
            node("b").gpus(1).build(),
            node("c").gpus(1).build(),
            node("full").gpus(1).used(0, 1000).build());
    Set<String> chosen = new HashSet<>();
    for (long seed = 0; seed < 40; seed++) {
      PodAllocation allocation =
          new RandomPlacer(seed).place(List.of(share(500)), nodes).orElseThrow().get(0);
      assertThat(new RandomPlacer(seed).place(List.of(share(500)), nodes))
          .contains(List.of(allocation));
      chosen.add(allocation.node());
    }

    assertThat(chosen).containsExactlyInAnyOrder("a", "b", "c");
  }
}
