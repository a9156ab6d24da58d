package io.capstan.scheduler;

import io.capstan.scheduler.cluster.NodeState;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * An immutable list of node snapshots whose {@link #with} shares all but one chunk with the list it
 * came from: a cycle's admissions each replace a few nodes of thousands, and copying only a chunk
 * and the chunk table makes that O(sqrt(nodes)) instead of O(nodes).
 */
final class SnapshotNodes extends AbstractList<NodeState> implements RandomAccess {
  private static final int SHIFT = 6;
  private static final int CHUNK = 1 << SHIFT;
  private static final int MASK = CHUNK - 1;

  private final NodeState[][] chunks;
  private final int size;

  private SnapshotNodes(NodeState[][] chunks, int size) {
    this.chunks = chunks;
    this.size = size;
  }

  static SnapshotNodes of(List<NodeState> nodes) {
    int size = nodes.size();
    NodeState[][] chunks = new NodeState[(size + MASK) >>> SHIFT][];
    for (int chunk = 0; chunk < chunks.length; chunk++) {
      int from = chunk << SHIFT;
      chunks[chunk] = new NodeState[Math.min(CHUNK, size - from)];
      for (int i = 0; i < chunks[chunk].length; i++) {
        chunks[chunk][i] = nodes.get(from + i);
      }
    }
    return new SnapshotNodes(chunks, size);
  }

  @Override
  public NodeState get(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("Index " + index + " out of bounds for size " + size);
    }
    return chunks[index >>> SHIFT][index & MASK];
  }

  @Override
  public int size() {
    return size;
  }

  /** This list with {@code node} at {@code index}; this list is unchanged. */
  SnapshotNodes with(int index, NodeState node) {
    get(index);
    NodeState[][] table = chunks.clone();
    NodeState[] chunk = table[index >>> SHIFT].clone();
    chunk[index & MASK] = node;
    table[index >>> SHIFT] = chunk;
    return new SnapshotNodes(table, size);
  }

  @Override
  public Object[] toArray() {
    Object[] all = new Object[size];
    for (int chunk = 0; chunk < chunks.length; chunk++) {
      System.arraycopy(chunks[chunk], 0, all, chunk << SHIFT, chunks[chunk].length);
    }
    return all;
  }
}
