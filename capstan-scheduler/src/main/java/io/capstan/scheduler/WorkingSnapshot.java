package io.capstan.scheduler;

import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodAllocation;
import io.capstan.scheduler.cluster.PodDemand;
import io.capstan.scheduler.cluster.ResourceAmounts;
import io.capstan.scheduler.placement.GangPlacer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Node snapshots and quota usage as a cycle's decisions progressively change them; immutable. */
final class WorkingSnapshot {
  private final List<NodeState> nodes;
  private final Map<String, Integer> indexByName;
  private final QuotaBook book;
  private final ResourceAmounts free;

  private WorkingSnapshot(
      List<NodeState> nodes,
      Map<String, Integer> indexByName,
      QuotaBook book,
      ResourceAmounts free) {
    this.nodes = nodes;
    this.indexByName = indexByName;
    this.book = book;
    this.free = free;
  }

  static WorkingSnapshot of(List<NodeState> nodes, QuotaBook book) {
    Map<String, Integer> index = new HashMap<>();
    ResourceAmounts free = ResourceAmounts.ZERO;
    for (int i = 0; i < nodes.size(); i++) {
      index.put(nodes.get(i).name(), i);
      free = free.add(nodes.get(i).free());
    }
    return new WorkingSnapshot(List.copyOf(nodes), Map.copyOf(index), book, free);
  }

  List<NodeState> nodes() {
    return nodes;
  }

  QuotaBook book() {
    return book;
  }

  /** Free resources summed over the nodes. */
  ResourceAmounts free() {
    return free;
  }

  /** Quota admits it and the placer finds room for the whole gang. */
  Optional<List<PodAllocation>> admit(Workload workload, GangPlacer placer) {
    ResourceAmounts total = workload.total();
    // Cheap necessary conditions first: the placer is the expensive part of a cycle.
    if (!book.admits(workload.queue(), total) || !total.fitsIn(free)) {
      return Optional.empty();
    }
    return placer.place(workload.pods(), nodes);
  }

  WorkingSnapshot withAllocated(Workload workload, List<PodAllocation> allocations) {
    List<NodeState> copy = new ArrayList<>(nodes);
    for (PodAllocation allocation : allocations) {
      int index = indexByName.get(allocation.node());
      copy.set(index, copy.get(index).allocate(allocation));
    }
    return new WorkingSnapshot(
        copy,
        indexByName,
        book.plus(workload.queue(), workload.total()),
        free.subtract(workload.total()));
  }

  WorkingSnapshot withReleased(RunningWorkload running) {
    List<NodeState> copy = new ArrayList<>(nodes);
    for (PodAllocation allocation : running.allocations()) {
      Integer index = indexByName.get(allocation.node());
      // A node that left the cluster holds nothing to release.
      if (index != null) {
        copy.set(index, copy.get(index).release(allocation));
      }
    }
    Workload workload = running.workload();
    ResourceAmounts released = ResourceAmounts.ZERO;
    for (PodAllocation allocation : running.allocations()) {
      released =
          indexByName.containsKey(allocation.node())
              ? released.add(allocation.demand().amounts())
              : released;
    }
    return new WorkingSnapshot(
        copy, indexByName, book.minus(workload.queue(), workload.total()), free.add(released));
  }

  /**
   * Whether these exact allocations still have room here (they were placed on another snapshot).
   */
  boolean canHold(List<PodAllocation> allocations) {
    Map<Integer, NodeState> touched = new HashMap<>();
    for (PodAllocation allocation : allocations) {
      Integer index = indexByName.get(allocation.node());
      if (index == null) {
        return false;
      }
      NodeState node = touched.getOrDefault(index, nodes.get(index));
      if (!hasRoom(node, allocation)) {
        return false;
      }
      touched.put(index, node.allocate(allocation));
    }
    return true;
  }

  private static boolean hasRoom(NodeState node, PodAllocation allocation) {
    PodDemand demand = allocation.demand();
    if (demand.cpuMillis() > node.free().cpuMillis()
        || demand.memoryBytes() > node.free().memoryBytes()) {
      return false;
    }
    for (int index : allocation.gpuIndices()) {
      if (index < 0 || index >= node.gpuCount() || node.gpuFreeMilli(index) < demand.gpuMilli()) {
        return false;
      }
    }
    return true;
  }
}
