package io.capstan.scheduler.placement;

import static java.util.Objects.requireNonNull;

import io.capstan.scheduler.cluster.NodeState;
import java.util.List;

/**
 * Turns a list of node snapshots into views, reusing the views of the previous call for the
 * snapshots that are the same objects at the same positions: a caller that replaces only the node
 * it allocated on pays for one node, not the cluster. Safe for concurrent use.
 */
final class SnapshotViews {
  private final NodeMeasure measure;
  private volatile Memo last = new Memo(new NodeState[0], new NodeView[0]);

  SnapshotViews(NodeMeasure measure) {
    this.measure = requireNonNull(measure, "measure is null");
  }

  NodeMeasure measure() {
    return measure;
  }

  /** Fresh views of {@code nodes}, in order; the caller may replace entries of the array. */
  NodeView[] workingCopy(List<NodeState> nodes) {
    Memo memo = last;
    int size = nodes.size();
    NodeState[] states = new NodeState[size];
    NodeView[] views = new NodeView[size];
    for (int i = 0; i < size; i++) {
      NodeState state = requireNonNull(nodes.get(i), "node is null");
      states[i] = state;
      views[i] =
          i < memo.states.length && memo.states[i] == state
              ? memo.views[i]
              : NodeView.of(state, measure);
    }
    last = new Memo(states, views.clone());
    return views;
  }

  /**
   * Fresh views of the nodes at {@code indices}, in their order; the caller may replace entries of
   * the array. Reuses views of the last full call and does not replace them.
   */
  NodeView[] workingCopy(List<NodeState> nodes, int[] indices) {
    Memo memo = last;
    NodeView[] views = new NodeView[indices.length];
    for (int k = 0; k < indices.length; k++) {
      int i = indices[k];
      NodeState state = requireNonNull(nodes.get(i), "node is null");
      views[k] =
          i < memo.states.length && memo.states[i] == state
              ? memo.views[i]
              : NodeView.of(state, measure);
    }
    return views;
  }

  /** One call's snapshots and their views; never modified after construction. */
  private static final class Memo {
    private final NodeState[] states;
    private final NodeView[] views;

    Memo(NodeState[] states, NodeView[] views) {
      this.states = states;
      this.views = views;
    }
  }
}
