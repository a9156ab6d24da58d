package io.capstan.scheduler;

import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodAllocation;
import io.capstan.scheduler.cluster.PodDemand;
import io.capstan.scheduler.cluster.ResourceAmounts;
import io.capstan.scheduler.placement.GangPlacer;
import java.util.HashMap;
import java.util.LinkedHashMap;
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

  /** Ascending positions in {@link #nodes} of the nodes with room for {@code pod}, and others. */
  int[] withRoomFor(PodDemand pod) {
    return nodes.mayFitAny(List.of(pod), Integer.MAX_VALUE).orElseThrow();
  }

  /** The position of the named node in {@link #nodes}, -1 when it is not there. */
  int indexOf(String node) {
    Integer index = indexByName.get(node);
    return index == null ? -1 : index;
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
   * Whether quota admits the gang, its total fits the free resources, its whole-GPU pods could find
   * fully free devices and each pod fits some node: necessary conditions of a placement (the placer
   * returns allocations that fit), cheaper than the placer.
   */
  boolean mayAdmit(Workload workload) {
    return book.admits(workload.queue(), workload.total()) && mayHold(workload.pods());
  }

  /** The part of {@link #mayAdmit} that depends on the nodes alone, not on quota. */
  boolean mayHold(List<PodDemand> gang) {
    ResourceAmounts total = ResourceAmounts.ZERO;
    for (PodDemand pod : gang) {
      total = total.add(pod.amounts());
    }
    return total.fitsIn(free) && freeGpus.mayHold(gang) && eachPodFitsSomeNode(gang);
  }

  private boolean eachPodFitsSomeNode(List<PodDemand> pods) {
    for (int i = 0; i < pods.size(); i++) {
      // A gang's pods are mostly alike: check each distinct one once.
      if ((i == 0 || !pods.get(i).equals(pods.get(i - 1))) && !nodes.anyFits(pods.get(i))) {
        return false;
      }
    }
    return true;
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
      changes.allocate(indexByName.get(allocation.node()), allocation);
    }
    changes.use(workload, workload.total());
    return changes.snapshot();
  }

  WorkingSnapshot withReleased(RunningWorkload running) {
    return withReleased(List.of(running));
  }

  /** As releasing each of {@code running} in turn, in one pass. */
  WorkingSnapshot withReleased(List<RunningWorkload> running) {
    Changes changes = new Changes();
    for (RunningWorkload workload : running) {
      for (PodAllocation allocation : workload.allocations()) {
        Integer index = indexByName.get(allocation.node());
        // A node that left the cluster holds nothing to release.
        if (index != null) {
          changes.release(index, allocation);
        }
      }
      changes.use(workload.workload(), workload.workload().total().times(-1));
    }
    return changes.snapshot();
  }

  /** What releasing {@code running} frees here: its pods on nodes that are still here. */
  ResourceAmounts held(RunningWorkload running) {
    ResourceAmounts held = ResourceAmounts.ZERO;
    for (PodAllocation allocation : running.allocations()) {
      if (indexByName.containsKey(allocation.node())) {
        held = held.add(allocation.demand().amounts());
      }
    }
    return held;
  }

  /** The inverse of {@link #withReleased(RunningWorkload)}: {@code running} holds its own again. */
  WorkingSnapshot withRestored(RunningWorkload running) {
    Changes changes = new Changes();
    for (PodAllocation allocation : running.allocations()) {
      Integer index = indexByName.get(allocation.node());
      if (index != null) {
        changes.allocate(index, allocation);
      }
    }
    changes.use(running.workload(), running.workload().total());
    return changes.snapshot();
  }

  /** A new snapshot's nodes, free resources, index and quota usage, built up change by change. */
  private final class Changes {
    private final SnapshotNodes.Editor nodes = WorkingSnapshot.this.nodes.edit();
    private final Map<String, ResourceAmounts> usage = new LinkedHashMap<>();
    private ResourceAmounts free = WorkingSnapshot.this.free;
    private FreeGpuIndex freeGpus = WorkingSnapshot.this.freeGpus;

    void allocate(int index, PodAllocation allocation) {
      set(index, nodes.get(index).allocate(allocation));
      free = free.subtract(allocation.demand().amounts());
    }

    void release(int index, PodAllocation allocation) {
      set(index, nodes.get(index).release(allocation));
      free = free.add(allocation.demand().amounts());
    }

    /** The workload's queue uses {@code amount} more (less when negative). */
    void use(Workload workload, ResourceAmounts amount) {
      usage.merge(workload.queue(), amount, ResourceAmounts::add);
    }

    private void set(int index, NodeState node) {
      freeGpus = freeGpus.moved(nodes.get(index), node);
      nodes.set(index, node);
    }

    WorkingSnapshot snapshot() {
      QuotaBook changed = book;
      for (Map.Entry<String, ResourceAmounts> entry : usage.entrySet()) {
        changed = changed.plus(entry.getKey(), entry.getValue());
      }
      return new WorkingSnapshot(nodes.build(), indexByName, changed, free, freeGpus);
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
