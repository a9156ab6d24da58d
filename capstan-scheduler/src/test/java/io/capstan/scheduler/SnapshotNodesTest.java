package io.capstan.scheduler;

import static io.capstan.scheduler.TestingWorkloads.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodAllocation;
import io.capstan.scheduler.cluster.PodDemand;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotNodesTest {
  @Test
  void holdsTheNodesInOrderForSizesAroundTheChunkSize() {
    for (int size : new int[] {0, 1, 63, 64, 65, 200}) {
      List<NodeState> nodes = nodes(size);
      SnapshotNodes list = SnapshotNodes.of(nodes);
      assertThat(list).as("size %d", size).hasSize(size).containsExactlyElementsOf(nodes);
      assertThat(list.toArray()).isEqualTo(nodes.toArray());
    }
  }

  @Test
  void withReplacesOneNodeAndLeavesTheOriginalUnchanged() {
    List<NodeState> nodes = nodes(130);
    SnapshotNodes original = SnapshotNodes.of(nodes);
    NodeState busy = allocateOneGpu(nodes.get(100));
    SnapshotNodes changed = original.with(100, busy).with(0, allocateOneGpu(nodes.get(0)));

    List<NodeState> expected = new ArrayList<>(nodes);
    expected.set(100, busy);
    expected.set(0, changed.get(0));
    assertThat(changed).containsExactlyElementsOf(expected);
    assertThat(changed.get(0)).isNotSameAs(nodes.get(0));
    assertThat(original).containsExactlyElementsOf(nodes);
  }

  @Test
  void rejectsIndicesOutsideTheList() {
    SnapshotNodes list = SnapshotNodes.of(nodes(65));
    assertThatThrownBy(() -> list.get(65)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> list.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> list.with(65, list.get(0)))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  private static List<NodeState> nodes(int count) {
    List<NodeState> nodes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      nodes.add(NodeState.empty(node("n" + i, 8)));
    }
    return nodes;
  }

  private static NodeState allocateOneGpu(NodeState node) {
    return node.allocate(new PodAllocation(node.name(), PodDemand.of(1000, 0, 1), List.of(0)));
  }
}
