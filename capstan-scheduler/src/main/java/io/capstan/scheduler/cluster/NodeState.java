package io.capstan.scheduler.cluster;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * An immutable snapshot of one node: its spec and what is allocated on it, per GPU device in
 * thousandths. {@link #allocate} and {@link #release} return new snapshots; nothing is shared.
 */
public final class NodeState {
  private final NodeSpec spec;
  private final long usedCpuMillis;
  private final long usedMemoryBytes;
  private final int[] gpuUsedMilli;
  // Derived from gpuUsedMilli once: schedulers read them for every node many times per cycle.
  private final long usedGpuMilli;
  private final int fullyFreeGpuCount;

  private NodeState(NodeSpec spec, long usedCpuMillis, long usedMemoryBytes, int[] gpuUsedMilli) {
    this.spec = spec;
    this.usedCpuMillis = usedCpuMillis;
    this.usedMemoryBytes = usedMemoryBytes;
    this.gpuUsedMilli = gpuUsedMilli;
    long used = 0;
    int fullyFree = 0;
    for (int milli : gpuUsedMilli) {
      used += milli;
      fullyFree += milli == 0 ? 1 : 0;
    }
    this.usedGpuMilli = used;
    this.fullyFreeGpuCount = fullyFree;
  }

  /** The node with nothing allocated. */
  public static NodeState empty(NodeSpec spec) {
    requireNonNull(spec, "spec is null");
    return new NodeState(spec, 0, 0, new int[spec.gpus()]);
  }

  public NodeSpec spec() {
    return spec;
  }

  public String name() {
    return spec.name();
  }

  public ResourceAmounts used() {
    return new ResourceAmounts(usedCpuMillis, usedMemoryBytes, usedGpuMilli);
  }

  public ResourceAmounts free() {
    return spec.capacity().subtract(used());
  }

  public int gpuCount() {
    return gpuUsedMilli.length;
  }

  public int gpuUsedMilli(int index) {
    return gpuUsedMilli[index];
  }

  public int gpuFreeMilli(int index) {
    return PodDemand.WHOLE_GPU - gpuUsedMilli[index];
  }

  public long cpuFreeMillis() {
    return spec.cpuMillis() - usedCpuMillis;
  }

  public long memoryFreeBytes() {
    return spec.memoryBytes() - usedMemoryBytes;
  }

  /** Free thousandths summed over the devices. */
  public long gpuFreeMilliTotal() {
    return (long) gpuUsedMilli.length * PodDemand.WHOLE_GPU - usedGpuMilli;
  }

  /** The most free thousandths of any one device; 0 without GPUs. */
  public int mostFreeGpuMilli() {
    int most = 0;
    for (int used : gpuUsedMilli) {
      most = Math.max(most, PodDemand.WHOLE_GPU - used);
    }
    return most;
  }

  /** How many devices have nothing on them. */
  public int fullyFreeGpuCount() {
    return fullyFreeGpuCount;
  }

  /** Indices of devices with nothing on them, ascending. */
  public List<Integer> fullyFreeGpus() {
    List<Integer> free = new ArrayList<>();
    for (int i = 0; i < gpuUsedMilli.length; i++) {
      if (gpuUsedMilli[i] == 0) {
        free.add(i);
      }
    }
    return free;
  }

  /** Whether {@code demand} fits here on some choice of devices. */
  public boolean fits(PodDemand demand) {
    if (demand.cpuMillis() > spec.cpuMillis() - usedCpuMillis
        || demand.memoryBytes() > spec.memoryBytes() - usedMemoryBytes) {
      return false;
    }
    if (demand.gpus() == 0) {
      return true;
    }
    if (demand.sharesGpu()) {
      for (int used : gpuUsedMilli) {
        if (PodDemand.WHOLE_GPU - used >= demand.gpuMilli()) {
          return true;
        }
      }
      return false;
    }
    return fullyFreeGpuCount >= demand.gpus();
  }

  /** This node with {@code allocation} added; fails when it does not fit on the named devices. */
  public NodeState allocate(PodAllocation allocation) {
    checkNode(allocation);
    PodDemand demand = allocation.demand();
    if (demand.cpuMillis() > spec.cpuMillis() - usedCpuMillis
        || demand.memoryBytes() > spec.memoryBytes() - usedMemoryBytes) {
      throw new IllegalStateException(
          "Expected " + demand + " to fit the free cpu and memory of node " + name());
    }
    int[] gpus = gpuUsedMilli.clone();
    for (int index : allocation.gpuIndices()) {
      if (index < 0
          || index >= gpus.length
          || gpus[index] + demand.gpuMilli() > PodDemand.WHOLE_GPU) {
        throw new IllegalStateException(
            "Expected GPU " + index + " of node " + name() + " to have room for " + demand);
      }
      gpus[index] += demand.gpuMilli();
    }
    return new NodeState(
        spec, usedCpuMillis + demand.cpuMillis(), usedMemoryBytes + demand.memoryBytes(), gpus);
  }

  /** This node with {@code allocation} removed. */
  public NodeState release(PodAllocation allocation) {
    checkNode(allocation);
    PodDemand demand = allocation.demand();
    int[] gpus = gpuUsedMilli.clone();
    for (int index : allocation.gpuIndices()) {
      gpus[index] -= demand.gpuMilli();
      if (gpus[index] < 0) {
        throw new IllegalStateException(
            "Expected GPU " + index + " of node " + name() + " to hold " + demand);
      }
    }
    long cpu = usedCpuMillis - demand.cpuMillis();
    long memory = usedMemoryBytes - demand.memoryBytes();
    if (cpu < 0 || memory < 0) {
      throw new IllegalStateException("Expected node " + name() + " to hold " + demand);
    }
    return new NodeState(spec, cpu, memory, gpus);
  }

  private void checkNode(PodAllocation allocation) {
    if (!allocation.node().equals(name())) {
      throw new IllegalArgumentException(
          "Expected an allocation on node " + name() + ", but it was on " + allocation.node());
    }
  }

  @Override
  public String toString() {
    return name() + " used " + used() + " of " + spec.capacity();
  }
}
