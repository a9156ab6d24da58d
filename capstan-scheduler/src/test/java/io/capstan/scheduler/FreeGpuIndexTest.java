package io.capstan.scheduler;

import static io.capstan.scheduler.TestingWorkloads.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodAllocation;
import io.capstan.scheduler.cluster.PodDemand;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreeGpuIndexTest {
  private static final PodDemand EIGHT = PodDemand.of(1000, 0, 8);
  private static final PodDemand FOUR = PodDemand.of(1000, 0, 4);
  private static final PodDemand ONE = PodDemand.of(1000, 0, 1);

  /** One empty 8-GPU node, one with 5 GPUs busy (3 fully free), one with a shared device. */
  private final NodeState empty = NodeState.empty(node("empty", 8));

  private final NodeState threeFree = busy(NodeState.empty(node("three", 8)), 5);
  private final NodeState shared =
      NodeState.empty(node("shared", 8))
          .allocate(new PodAllocation("shared", PodDemand.sharing(0, 0, 500), List.of(0)));
  private final FreeGpuIndex index = FreeGpuIndex.of(List.of(empty, threeFree, shared));

  @Test
  void countsBlocksOfFullyFreeDevicesPerNode() {
    assertThat(index.mostFullyFree()).isEqualTo(8);
    assertThat(index.mayHold(List.of(EIGHT))).isTrue();
    assertThat(index.mayHold(List.of(EIGHT, EIGHT))).isFalse();
    // 8 on the empty node and 7 on the shared one: 3 blocks of 4, none of them on node three.
    assertThat(index.mayHold(Collections.nCopies(3, FOUR))).isTrue();
    assertThat(index.mayHold(Collections.nCopies(4, FOUR))).isFalse();
    assertThat(index.mayHold(Collections.nCopies(18, ONE))).isTrue();
    assertThat(index.mayHold(Collections.nCopies(19, ONE))).isFalse();
  }

  @Test
  void checksEachPodSizeOfAMixedGang() {
    assertThat(index.mayHold(List.of(EIGHT, FOUR, ONE))).isTrue();
    assertThat(index.mayHold(List.of(FOUR, EIGHT, EIGHT))).isFalse();
  }

  @Test
  void leavesSharedAndCpuOnlyPodsToThePlacer() {
    FreeGpuIndex full = FreeGpuIndex.of(List.of(busy(NodeState.empty(node("full", 8)), 8)));
    assertThat(full.mostFullyFree()).isZero();
    assertThat(full.mayHold(List.of(PodDemand.sharing(1000, 0, 300), PodDemand.of(1000, 0, 0))))
        .isTrue();
    assertThat(full.mayHold(List.of(ONE))).isFalse();
  }

  @Test
  void movesANodeBetweenCounts() {
    FreeGpuIndex moved = index.moved(empty, busy(empty, 8));
    assertThat(moved.mostFullyFree()).isEqualTo(7);
    assertThat(moved.mayHold(List.of(EIGHT))).isFalse();
    assertThat(index.mayHold(List.of(EIGHT))).as("the original").isTrue();
    assertThat(index.moved(shared, shared)).isSameAs(index);
  }

  private static NodeState busy(NodeState node, int gpus) {
    List<Integer> devices = node.fullyFreeGpus().subList(0, gpus);
    return node.allocate(new PodAllocation(node.name(), PodDemand.of(1000, 0, gpus), devices));
  }
}
