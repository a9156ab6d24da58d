package io.capstan.scheduler;

import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodAllocation;
import io.capstan.scheduler.cluster.PodDemand;
import io.capstan.scheduler.cluster.ResourceAmounts;
import io.capstan.scheduler.placement.GangPlacer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Node snapshots and quota usage as a cycle's decisions progressively change them; immutable. */
final class WorkingSnapshot {
  private final SnapshotNodes nodes;
  private final Map<String, Integer> indexByName;
  private final QuotaBook book;
  private final ResourceAmounts free;
  private final FreeGpuIndex freeGpus;

  /** The first node with the most fully free GPUs, found when first asked. */
  private NodeState widest;

  private WorkingSnapshot(
      SnapshotNodes nodes,
      Map<String, Integer> indexByName,
      QuotaBook book,
      ResourceAmounts free,
      FreeGpuIndex freeGpus) {
    this.nodes = nodes;
    this.indexByName = indexByName;
    this.book = book;
    this.free = free;
    this.freeGpus = freeGpus;
  }

  static WorkingSnapshot of(List<NodeState> nodes, QuotaBook book) {
    Map<String, Integer> index = new HashMap<>();
    ResourceAmounts free = ResourceAmounts.ZERO;
    for (int i = 0; i < nodes.size(); i++) {
      index.put(nodes.get(i).name(), i);
      free = free.add(nodes.get(i).free());
    }
    return new WorkingSnapshot(
        SnapshotNodes.of(nodes), Map.copyOf(index), book, free, FreeGpuIndex.of(nodes));
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

  /** The first node with the most fully free GPUs; null when there are no nodes. */
  NodeState widest() {
    if (widest == null && !nodes.isEmpty()) {
      int most = freeGpus.mostFullyFree();
      for (int i = 0; widest == null; i++) {
        widest = nodes.get(i).fullyFreeGpuCount() == most ? nodes.get(i) : null;
      }
    }
    return widest;
  }

  /**
   * Whether quota admits the gang and its total fits the free resources, and its whole-GPU pods
   * could find fully free devices: necessary conditions of a placement, cheaper than the placer.
   */
  boolean mayAdmit(Workload workload) {
    ResourceAmounts total = workload.total();
    return book.admits(workload.queue(), total)
        && total.fitsIn(free)
        && freeGpus.mayHold(workload.pods());
  }

  /** Quota admits it and the placer finds room for the whole gang. */
  Optional<List<PodAllocation>> admit(Workload workload, GangPlacer placer) {
    // Cheap necessary conditions first: the placer is the expensive part of a cycle.
    if (!mayAdmit(workload)) {
      return Optional.empty();
    }
    return placer.place(workload.pods(), nodes);
  }

  WorkingSnapshot withAllocated(Workload workload, List<PodAllocation> allocations) {
    Changes changes = new Changes();
    for (PodAllocation allocation : allocations) {
      int index = indexByName.get(allocation.node());
      changes.set(index, changes.nodes.get(index).allocate(allocation));
    }
    return new WorkingSnapshot(
        changes.nodes,
        indexByName,
        book.plus(workload.queue(), workload.total()),
        free.subtract(workload.total()),
        changes.freeGpus);
  }

  WorkingSnapshot withReleased(RunningWorkload running) {
    Changes changes = new Changes();
    ResourceAmounts released = ResourceAmounts.ZERO;
    for (PodAllocation allocation : running.allocations()) {
      Integer index = indexByName.get(allocation.node());
      // A node that left the cluster holds nothing to release.
      if (index != null) {
        changes.set(index, changes.nodes.get(index).release(allocation));
        released = released.add(allocation.demand().amounts());
      }
    }
    Workload workload = running.workload();
    return new WorkingSnapshot(
        changes.nodes,
        indexByName,
        book.minus(workload.queue(), workload.total()),
        free.add(released),
        changes.freeGpus);
  }

  /** The nodes and free-GPU index as node snapshots are replaced one by one. */
  private final class Changes {
    private SnapshotNodes nodes = WorkingSnapshot.this.nodes;
    private FreeGpuIndex freeGpus = WorkingSnapshot.this.freeGpus;

    void set(int index, NodeState node) {
      freeGpus = freeGpus.moved(nodes.get(index), node);
      nodes = nodes.with(index, node);
    }
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
