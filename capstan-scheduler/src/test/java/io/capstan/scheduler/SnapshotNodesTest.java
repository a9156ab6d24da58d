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
  void editedCopyReplacesNodesAndLeavesTheOriginalUnchanged() {
    List<NodeState> nodes = nodes(130);
    SnapshotNodes original = SnapshotNodes.of(nodes);
    SnapshotNodes.Editor editor = original.edit();
    editor.set(100, allocateOneGpu(nodes.get(100)));
    editor.set(100, allocateOneGpu(editor.get(100)));
    editor.set(0, allocateOneGpu(nodes.get(0)));
    SnapshotNodes changed = editor.build();

    assertThat(changed.get(100).fullyFreeGpuCount()).isEqualTo(6);
    assertThat(changed.get(0).fullyFreeGpuCount()).isEqualTo(7);
    assertThat(changed.subList(1, 100)).containsExactlyElementsOf(nodes.subList(1, 100));
    assertThat(original).containsExactlyElementsOf(nodes);
    assertThatThrownBy(() -> editor.set(1, nodes.get(1))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void anyFitsLooksOnlyWhereAChunkHasRoom() {
    List<NodeState> nodes = new ArrayList<>();
    for (NodeState node : nodes(130)) {
      nodes.add(node.allocate(new PodAllocation(node.name(), PodDemand.of(0, 0, 8), all())));
    }
    SnapshotNodes full = SnapshotNodes.of(nodes);
    assertThat(full.anyFits(PodDemand.of(1000, 0, 1))).isFalse();
    assertThat(full.anyFits(PodDemand.of(1000, 0, 0))).isTrue();
    assertThat(full.anyFits(PodDemand.of(33_000, 0, 0))).isFalse();

    SnapshotNodes.Editor editor = full.edit();
    editor.set(129, NodeState.empty(nodes.get(129).spec()));
    SnapshotNodes oneFree = editor.build();
    assertThat(oneFree.anyFits(PodDemand.of(1000, 0, 8))).isTrue();
    assertThat(oneFree.anyFits(PodDemand.sharing(1000, 0, 500))).isTrue();
    assertThat(full.anyFits(PodDemand.sharing(1000, 0, 500))).isFalse();
  }

  @Test
  void mayFitAnyListsExactlyTheNodesWithRoomForSomePod() {
    List<NodeState> nodes = new ArrayList<>();
    for (NodeState node : nodes(200)) {
      nodes.add(node.allocate(new PodAllocation(node.name(), PodDemand.of(0, 0, 8), all())));
    }
    nodes.set(3, NodeState.empty(nodes.get(3).spec()));
    nodes.set(70, allocateOneGpu(NodeState.empty(nodes.get(70).spec())));
    nodes.set(
        199,
        NodeState.empty(nodes.get(199).spec())
            .allocate(
                new PodAllocation(
                    nodes.get(199).name(), PodDemand.of(0, 0, 4), List.of(0, 1, 2, 3))));
    SnapshotNodes list = SnapshotNodes.of(nodes);

    assertThat(list.mayFitAny(List.of(PodDemand.of(1000, 0, 8)), 200).orElseThrow())
        .containsExactly(3);
    assertThat(
            list.mayFitAny(List.of(PodDemand.of(1000, 0, 4), PodDemand.of(1000, 0, 4)), 200)
                .orElseThrow())
        .containsExactly(3, 70, 199);
    assertThat(
            list.mayFitAny(List.of(PodDemand.of(1000, 0, 8), PodDemand.sharing(0, 0, 500)), 200)
                .orElseThrow())
        .containsExactly(3, 70, 199);
    assertThat(list.mayFitAny(List.of(PodDemand.of(33_000, 0, 1)), 200).orElseThrow()).isEmpty();
    assertThat(list.mayFitAny(List.of(PodDemand.of(1000, 0, 0)), 200).orElseThrow()).hasSize(200);
    assertThat(list.mayFitAny(List.of(PodDemand.of(1000, 0, 0)), 199)).isEmpty();
    assertThat(list.mayFitAny(List.of(PodDemand.of(1000, 0, 1)), 2)).isEmpty();
  }

  @Test
  void rejectsIndicesOutsideTheList() {
    SnapshotNodes list = SnapshotNodes.of(nodes(65));
    assertThatThrownBy(() -> list.get(65)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> list.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> list.edit().set(65, list.get(0)))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  private static List<NodeState> nodes(int count) {
    List<NodeState> nodes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      nodes.add(NodeState.empty(node("n" + i, 8)));
    }
    return nodes;
  }

  private static List<Integer> all() {
    return List.of(0, 1, 2, 3, 4, 5, 6, 7);
  }

  private static NodeState allocateOneGpu(NodeState node) {
    int device = node.fullyFreeGpus().get(0);
    return node.allocate(new PodAllocation(node.name(), PodDemand.of(1000, 0, 1), List.of(device)));
  }
}
