package io.capstan.scheduler;

import static io.capstan.scheduler.TestingWorkloads.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodAllocation;
import io.capstan.scheduler.cluster.PodDemand;
import io.capstan.scheduler.placement.PlacementStrategy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Placers visit only the nodes with room on {@link SnapshotNodes}, and answer as on any list. */
class PlacersOnSnapshotNodesTest {
  private static final long GI = 1L << 30;

  @ParameterizedTest
  @EnumSource(PlacementStrategy.class)
  void placeAsOnAPlainList(PlacementStrategy strategy) {
    SplittableRandom random = new SplittableRandom(7);
    for (int round = 0; round < 20; round++) {
      List<NodeState> nodes = nodes(random, 150, round % 2 == 0 ? 0.95 : 0.3);
      for (int gang = 0; gang < 20; gang++) {
        List<PodDemand> pods = gang(random);
        assertThat(strategy.create(pods, 3).place(pods, SnapshotNodes.of(nodes)))
            .as("round %d, gang %s", round, pods)
            .isEqualTo(strategy.create(pods, 3).place(pods, List.copyOf(nodes)));
      }
    }
  }

  /** Nodes with each device taken whole with probability {@code busy}, some shared. */
  private static List<NodeState> nodes(SplittableRandom random, int count, double busy) {
    List<NodeState> nodes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      NodeState node = NodeState.empty(node("n" + i, 8));
      for (int device = 0; device < 8; device++) {
        double draw = random.nextDouble();
        if (draw < busy) {
          PodDemand pod =
              draw < busy / 4
                  ? PodDemand.sharing(2000, 8 * GI, 500)
                  : PodDemand.of(4000, 16 * GI, 1);
          node = node.allocate(new PodAllocation(node.name(), pod, List.of(device)));
        }
      }
      nodes.add(node);
    }
    return nodes;
  }

  private static List<PodDemand> gang(SplittableRandom random) {
    int draw = random.nextInt(4);
    PodDemand pod =
        switch (draw) {
          case 0 -> PodDemand.sharing(1000, 4 * GI, 300);
          case 1 -> PodDemand.of(8000, 32 * GI, 1);
          case 2 -> PodDemand.of(16000, 64 * GI, 4);
          default -> PodDemand.of(2000, 8 * GI, 0);
        };
    return Collections.nCopies(1 + random.nextInt(3), pod);
  }
}
