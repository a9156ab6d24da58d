package io.capstan.scheduler.placement;

import static io.capstan.scheduler.placement.TestingNodes.GIB;
import static io.capstan.scheduler.placement.TestingNodes.cpuOnly;
import static io.capstan.scheduler.placement.TestingNodes.node;
import static io.capstan.scheduler.placement.TestingNodes.share;
import static io.capstan.scheduler.placement.TestingNodes.whole;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.scheduler.cluster.NodeSpec;
import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodAllocation;
import io.capstan.scheduler.cluster.PodDemand;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PlacerContractTest {
  private static final List<PodDemand> OBSERVED =
      List.of(share(250), share(500), share(500), whole(1), whole(1), whole(2), cpuOnly(4));

  @ParameterizedTest
  @EnumSource(PlacementStrategy.class)
  void neverOverAllocatesAndAnswersInGangOrder(PlacementStrategy strategy) {
    for (long seed = 0; seed < 4; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      GangPlacer placer = strategy.create(OBSERVED, seed);
      List<NodeState> nodes = randomNodes(random, 12);
      int failuresInARow = 0;
      int placed = 0;
      while (failuresInARow < 25) {
        List<PodDemand> gang = randomGang(random);
        Optional<List<PodAllocation>> answer = placer.place(gang, nodes);
        if (answer.isEmpty()) {
          failuresInARow++;
          continue;
        }
        failuresInARow = 0;
        assertThat(answer.get()).extracting(PodAllocation::demand).containsExactlyElementsOf(gang);
        nodes = TestingNodes.apply(nodes, answer.get());
        placed += gang.size();
        assertWithinCapacity(nodes);
      }
      assertThat(placed).as("pods placed with seed %d", seed).isGreaterThan(20);
    }
  }

  @ParameterizedTest
  @EnumSource(PlacementStrategy.class)
  void placesAllOfAGangOrNone(PlacementStrategy strategy) {
    List<NodeState> nodes =
        List.of(node("a").gpus(2).build(), node("b").gpus(1).used(0, 600).build());
    List<NodeState> before = List.copyOf(nodes);
    GangPlacer placer = strategy.create(OBSERVED, 7);

    // Three whole GPUs fit, the fourth pod does not: nothing is placed.
    assertThat(placer.place(List.of(whole(1), whole(1), share(400), whole(1)), nodes)).isEmpty();
    assertThat(nodes).containsExactlyElementsOf(before);
    assertThat(nodes)
        .allSatisfy(
            node -> assertThat(node.used()).isEqualTo(before.get(nodes.indexOf(node)).used()));

    List<PodAllocation> fits =
        placer.place(List.of(whole(1), whole(1), share(400)), nodes).orElseThrow();
    assertThat(fits).hasSize(3);
    assertWithinCapacity(TestingNodes.apply(nodes, fits));
    assertThat(placer.place(List.of(), nodes)).contains(List.of());
  }

  @ParameterizedTest
  @EnumSource(PlacementStrategy.class)
  void answersTheSameForTheSameInput(PlacementStrategy strategy) {
    SplittableRandom random = new SplittableRandom(42);
    GangPlacer longLived = strategy.create(OBSERVED, 3);
    List<NodeState> nodes = randomNodes(random, 10);
    for (int step = 0; step < 60; step++) {
      List<PodDemand> gang = randomGang(random);
      Optional<List<PodAllocation>> answer = longLived.place(gang, nodes);
      // A fresh placer, with nothing cached, and a second call agree with the long-lived one.
      assertThat(strategy.create(OBSERVED, 3).place(gang, nodes)).isEqualTo(answer);
      assertThat(longLived.place(gang, nodes)).isEqualTo(answer);
      if (answer.isPresent()) {
        nodes = TestingNodes.apply(nodes, answer.get());
      }
    }
  }

  private static void assertWithinCapacity(List<NodeState> nodes) {
    for (NodeState node : nodes) {
      assertThat(node.used().fitsIn(node.spec().capacity())).as(node.toString()).isTrue();
      for (int g = 0; g < node.gpuCount(); g++) {
        assertThat(node.gpuUsedMilli(g)).isBetween(0, PodDemand.WHOLE_GPU);
      }
    }
  }

  private static List<NodeState> randomNodes(SplittableRandom random, int count) {
    List<NodeState> nodes = new ArrayList<>();
    int[] gpuCounts = {0, 1, 2, 4, 8};
    for (int i = 0; i < count; i++) {
      nodes.add(
          NodeState.empty(
              new NodeSpec(
                  "node-" + i,
                  1000L * (8 + random.nextInt(57)),
                  GIB * (32 + random.nextInt(480)),
                  gpuCounts[random.nextInt(gpuCounts.length)],
                  "T4",
                  Map.of())));
    }
    return nodes;
  }

  private static List<PodDemand> randomGang(SplittableRandom random) {
    int size = random.nextInt(10) < 7 ? 1 : 2 + random.nextInt(2);
    List<PodDemand> gang = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      long cpu = 1000L * (1 + random.nextInt(12));
      long memory = GIB * (1 + random.nextInt(64));
      int kind = random.nextInt(10);
      gang.add(
          kind < 2
              ? PodDemand.of(cpu, memory, 0)
              : kind < 6
                  ? PodDemand.sharing(cpu, memory, 50 * (1 + random.nextInt(19)))
                  : PodDemand.of(cpu, memory, new int[] {1, 1, 1, 2, 4, 8}[random.nextInt(6)]));
    }
    return gang;
  }
}
