package io.capstan.scheduler;

import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodDemand;
import io.capstan.scheduler.placement.NodesWithRoom;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.RandomAccess;

/**
 * An immutable list of node snapshots whose edited copies share every chunk they did not change
 * with the list they came from: a cycle's admissions each replace a few nodes of thousands, and
 * copying only those chunks and the chunk table makes that O(sqrt(nodes)) instead of O(nodes). Each
 * chunk keeps the most room any of its nodes has, so that {@link #anyFits} skips full chunks.
 */
final class SnapshotNodes extends AbstractList<NodeState> implements RandomAccess, NodesWithRoom {
  private static final int SHIFT = 6;
  private static final int CHUNK = 1 << SHIFT;
  private static final int MASK = CHUNK - 1;

  private final NodeState[][] chunks;
  private final Room[] rooms;
  private final int size;

  private SnapshotNodes(NodeState[][] chunks, Room[] rooms, int size) {
    this.chunks = chunks;
    this.rooms = rooms;
    this.size = size;
  }

  static SnapshotNodes of(List<NodeState> nodes) {
    int size = nodes.size();
    NodeState[][] chunks = new NodeState[(size + MASK) >>> SHIFT][];
    Room[] rooms = new Room[chunks.length];
    for (int chunk = 0; chunk < chunks.length; chunk++) {
      int from = chunk << SHIFT;
      chunks[chunk] = new NodeState[Math.min(CHUNK, size - from)];
      for (int i = 0; i < chunks[chunk].length; i++) {
        chunks[chunk][i] = nodes.get(from + i);
      }
      rooms[chunk] = Room.of(chunks[chunk]);
    }
    return new SnapshotNodes(chunks, rooms, size);
  }

  /**
   * Whether some node has room for {@code pod} on its own: a necessary condition of placing a gang
   * with that pod, checked without looking at the nodes of chunks that have no such room.
   */
  boolean anyFits(PodDemand pod) {
    for (int chunk = 0; chunk < chunks.length; chunk++) {
      if (rooms[chunk].mayFit(pod)) {
        for (NodeState node : chunks[chunk]) {
          if (node.fits(pod)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** Exactly the nodes with room for some of {@code pods}, skipping the chunks without. */
  @Override
  public Optional<int[]> mayFitAny(List<PodDemand> pods, int most) {
    List<PodDemand> distinct = new ArrayList<>();
    for (PodDemand pod : pods) {
      if (!distinct.contains(pod)) {
        distinct.add(pod);
      }
    }
    int[] indices = new int[16];
    int count = 0;
    for (int chunk = 0; chunk < chunks.length; chunk++) {
      if (mayFitAny(rooms[chunk], distinct)) {
        NodeState[] nodes = chunks[chunk];
        for (int i = 0; i < nodes.length; i++) {
          if (fitsAny(nodes[i], distinct)) {
            if (count == most) {
              return Optional.empty();
            }
            if (count == indices.length) {
              indices = Arrays.copyOf(indices, 2 * count);
            }
            indices[count++] = (chunk << SHIFT) + i;
          }
        }
      }
    }
    return Optional.of(Arrays.copyOf(indices, count));
  }

  private static boolean mayFitAny(Room room, List<PodDemand> pods) {
    for (PodDemand pod : pods) {
      if (room.mayFit(pod)) {
        return true;
      }
    }
    return false;
  }

  private static boolean fitsAny(NodeState node, List<PodDemand> pods) {
    for (PodDemand pod : pods) {
      if (node.fits(pod)) {
        return true;
      }
    }
    return false;
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

  /** An editor of a copy of this list; this list is unchanged. */
  Editor edit() {
    return new Editor();
  }

  /** Replaces nodes in a copy of the list, copying each chunk it touches once. */
  final class Editor {
    private final NodeState[][] table = chunks.clone();
    private final boolean[] copied = new boolean[chunks.length];
    private boolean built;

    NodeState get(int index) {
      SnapshotNodes.this.get(index);
      return table[index >>> SHIFT][index & MASK];
    }

    void set(int index, NodeState node) {
      SnapshotNodes.this.get(index);
      if (built) {
        throw new IllegalStateException("Expected no edits after build()");
      }
      int chunk = index >>> SHIFT;
      if (!copied[chunk]) {
        table[chunk] = table[chunk].clone();
        copied[chunk] = true;
      }
      table[chunk][index & MASK] = node;
    }

    /** The edited list; the editor takes no more edits. */
    SnapshotNodes build() {
      built = true;
      Room[] changed = rooms.clone();
      for (int chunk = 0; chunk < table.length; chunk++) {
        if (copied[chunk]) {
          changed[chunk] = Room.of(table[chunk]);
        }
      }
      return new SnapshotNodes(table, changed, size);
    }
  }

  /** The most of each resource that one node of a chunk has free. */
  private record Room(long cpuMillis, long memoryBytes, int fullyFreeGpus, int gpuMilli) {
    static Room of(NodeState[] nodes) {
      long cpu = 0;
      long memory = 0;
      int fullyFree = 0;
      int gpuMilli = 0;
      for (NodeState node : nodes) {
        cpu = Math.max(cpu, node.cpuFreeMillis());
        memory = Math.max(memory, node.memoryFreeBytes());
        fullyFree = Math.max(fullyFree, node.fullyFreeGpuCount());
        gpuMilli = Math.max(gpuMilli, node.mostFreeGpuMilli());
      }
      return new Room(cpu, memory, fullyFree, gpuMilli);
    }

    /** False when no node of the chunk fits {@code pod}. */
    boolean mayFit(PodDemand pod) {
      if (pod.cpuMillis() > cpuMillis || pod.memoryBytes() > memoryBytes) {
        return false;
      }
      if (pod.gpus() == 0) {
        return true;
      }
      return pod.sharesGpu() ? pod.gpuMilli() <= gpuMilli : pod.gpus() <= fullyFreeGpus;
    }
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
