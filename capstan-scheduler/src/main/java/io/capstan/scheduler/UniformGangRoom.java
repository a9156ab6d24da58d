package io.capstan.scheduler;

import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodAllocation;
import io.capstan.scheduler.cluster.PodDemand;
import io.capstan.scheduler.cluster.ResourceAmounts;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a gang of identical pods (every single pod is one) would be admitted on a snapshot as
 * running workloads are released from it or restored one at a time: the preemption planner's fit
 * test without a snapshot copy or a placer call per test. Such a gang fits exactly when the nodes
 * have room for as many of its pods as it has, each node holding as many as its free CPU, memory
 * and devices allow: placing one pod takes one unit of room from one node and from no other. By the
 * {@link io.capstan.scheduler.placement.GangPlacer} contract (empty means that the gang does not
 * fit), a placer's answer is present exactly then.
 */
final class UniformGangRoom {
  private final Workload candidate;
  private final WorkingSnapshot snapshot;
  private final PodDemand pod;
  private final int pods;
  private final ResourceAmounts total;

  /** The nodes a release or restore changed, with their free resources now. */
  private final Map<Integer, Room> changed = new HashMap<>();

  /** Per queue, the usage released so far (negative: restored beyond the snapshot's). */
  private final Map<String, ResourceAmounts> released = new HashMap<>();

  /** Pods of the gang the nodes hold, each node counted up to {@link #pods}. */
  private long held;

  private UniformGangRoom(Workload candidate, WorkingSnapshot snapshot) {
    this.candidate = candidate;
    this.snapshot = snapshot;
    this.pod = candidate.pods().get(0);
    this.pods = candidate.pods().size();
    this.total = candidate.total();
    List<NodeState> nodes = snapshot.nodes();
    // Only nodes with room for one pod hold any: the snapshot finds them without a full scan.
    for (int index : snapshot.withRoomFor(pod)) {
      NodeState node = nodes.get(index);
      held += holds(pod, pods, node.cpuFreeMillis(), node.memoryFreeBytes(), devices(pod, node));
    }
  }

  /** The room on {@code snapshot} for {@code candidate}, when its pods are all alike. */
  static Optional<UniformGangRoom> of(Workload candidate, WorkingSnapshot snapshot) {
    List<PodDemand> gang = candidate.pods();
    for (PodDemand other : gang) {
      if (!other.equals(gang.get(0))) {
        return Optional.empty();
      }
    }
    return Optional.of(new UniformGangRoom(candidate, snapshot));
  }

  /** As {@link WorkingSnapshot#withReleased(RunningWorkload)}. */
  void release(RunningWorkload running) {
    change(running, 1);
  }

  /** As {@link WorkingSnapshot#withRestored(RunningWorkload)}. */
  void restore(RunningWorkload running) {
    change(running, -1);
  }

  /** Whether quota admits the candidate and the nodes hold its gang, as things stand. */
  boolean admits() {
    if (held < pods) {
      return false;
    }
    QuotaBook book = snapshot.book();
    for (Map.Entry<String, ResourceAmounts> entry : released.entrySet()) {
      book = book.minus(entry.getKey(), entry.getValue());
    }
    return book.admits(candidate.queue(), total);
  }

  /** Releases ({@code sign} 1) or restores ({@code sign} -1) what {@code running} holds. */
  private void change(RunningWorkload running, int sign) {
    for (PodAllocation allocation : running.allocations()) {
      int index = snapshot.indexOf(allocation.node());
      // A node that left the cluster holds nothing to release.
      if (index >= 0) {
        Room room = changed.computeIfAbsent(index, i -> Room.of(snapshot.nodes().get(i)));
        held -= room.holds(pod, pods);
        room.add(allocation, sign);
        held += room.holds(pod, pods);
      }
    }
    ResourceAmounts amount = running.workload().total();
    released.merge(
        running.workload().queue(), sign > 0 ? amount : amount.times(-1), ResourceAmounts::add);
  }

  /** One node's free resources, changed in place. */
  private static final class Room {
    private long cpuMillis;
    private long memoryBytes;
    private final int[] gpuFreeMilli;

    private Room(long cpuMillis, long memoryBytes, int[] gpuFreeMilli) {
      this.cpuMillis = cpuMillis;
      this.memoryBytes = memoryBytes;
      this.gpuFreeMilli = gpuFreeMilli;
    }

    static Room of(NodeState node) {
      int[] gpus = new int[node.gpuCount()];
      for (int i = 0; i < gpus.length; i++) {
        gpus[i] = node.gpuFreeMilli(i);
      }
      return new Room(node.cpuFreeMillis(), node.memoryFreeBytes(), gpus);
    }

    /** Frees ({@code sign} 1) or takes ({@code sign} -1) what {@code allocation} uses. */
    void add(PodAllocation allocation, int sign) {
      PodDemand demand = allocation.demand();
      cpuMillis += sign * demand.cpuMillis();
      memoryBytes += sign * demand.memoryBytes();
      for (int device : allocation.gpuIndices()) {
        gpuFreeMilli[device] += sign * demand.gpuMilli();
      }
    }

    long holds(PodDemand demand, long most) {
      return UniformGangRoom.holds(demand, most, cpuMillis, memoryBytes, devices(demand));
    }

    /** How many pods of {@code demand} the devices take: whole free ones, or shares of each. */
    private long devices(PodDemand demand) {
      long count = 0;
      for (int free : gpuFreeMilli) {
        count += demand.sharesGpu() ? free / demand.gpuMilli() : free / PodDemand.WHOLE_GPU;
      }
      return demand.sharesGpu() ? count : count / Math.max(1, demand.gpus());
    }
  }

  /** As {@link Room#devices}, for a node snapshot. */
  private static long devices(PodDemand demand, NodeState node) {
    if (demand.gpus() == 0) {
      return 0;
    }
    if (!demand.sharesGpu()) {
      return node.fullyFreeGpuCount() / demand.gpus();
    }
    long count = 0;
    for (int i = 0; i < node.gpuCount(); i++) {
      count += node.gpuFreeMilli(i) / demand.gpuMilli();
    }
    return count;
  }

  /**
   * How many pods of {@code demand} fit together on a node with these free resources, at most
   * {@code most}.
   *
   * @param devices how many of them its devices take
   */
  private static long holds(
      PodDemand demand, long most, long cpuMillis, long memoryBytes, long devices) {
    long count = most;
    if (demand.cpuMillis() > 0) {
      count = Math.min(count, cpuMillis / demand.cpuMillis());
    }
    if (demand.memoryBytes() > 0) {
      count = Math.min(count, memoryBytes / demand.memoryBytes());
    }
    if (demand.gpus() > 0) {
      count = Math.min(count, devices);
    }
    return Math.max(0, count);
  }
}
