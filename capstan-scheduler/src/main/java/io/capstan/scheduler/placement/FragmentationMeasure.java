package io.capstan.scheduler.placement;

import io.capstan.scheduler.cluster.PodDemand;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * The expected GPU fragmentation F_n(M) of a node under a target workload M (Weng et al., ATC'23,
 * section 4): the sum over task types m of p_m times the free GPU thousandths m cannot use. All of
 * a node's free GPU is fragmented for m when m needs no GPU or does not fit the node's free cpu,
 * memory or GPUs; otherwise a device is fragmented for m when its free share is below what m needs
 * of one device (m's share for a sharing task, a whole device for a whole-GPU task).
 *
 * <p>Evaluating a node costs O(devices): the task types that fit a node's free cpu and memory only
 * change at the distinct cpu and memory demands, so their weights are cached per (cpu rank, memory
 * rank) cell, as suffix sums over the sorted sharing shares.
 */
final class FragmentationMeasure implements NodeMeasure {
  private static final int MAX_CACHED_CELLS = 1 << 22;

  private final long[] cpuSteps;
  private final long[] memorySteps;
  private final int[] sharingMilli;
  private final int[] wholeCounts;
  private final int[] sharingAbove = new int[PodDemand.WHOLE_GPU + 1];
  private final int[] typeCpuRank;
  private final int[] typeMemoryRank;
  private final int[] typeSharing;
  private final int[] typeWhole;
  private final double[] typeWeight;
  private final Weights[] cells;

  FragmentationMeasure(List<TaskType> workload) {
    if (workload.isEmpty()) {
      throw new IllegalArgumentException("Expected at least one task type, but was none");
    }
    TreeSet<Long> cpus = new TreeSet<>();
    TreeSet<Long> memories = new TreeSet<>();
    TreeSet<Integer> shares = new TreeSet<>();
    TreeSet<Integer> wholes = new TreeSet<>();
    double total = 0;
    for (TaskType type : workload) {
      PodDemand demand = type.demand();
      cpus.add(demand.cpuMillis());
      memories.add(demand.memoryBytes());
      if (demand.sharesGpu()) {
        shares.add(demand.gpuMilli());
      } else if (demand.gpus() > 0) {
        wholes.add(demand.gpus());
      }
      total += type.popularity();
    }
    cpuSteps = cpus.stream().mapToLong(Long::longValue).toArray();
    memorySteps = memories.stream().mapToLong(Long::longValue).toArray();
    sharingMilli = shares.stream().mapToInt(Integer::intValue).toArray();
    wholeCounts = wholes.stream().mapToInt(Integer::intValue).toArray();
    for (int free = 0; free <= PodDemand.WHOLE_GPU; free++) {
      sharingAbove[free] = upperBound(sharingMilli, free);
    }
    int size = workload.size();
    typeCpuRank = new int[size];
    typeMemoryRank = new int[size];
    typeSharing = new int[size];
    typeWhole = new int[size];
    typeWeight = new double[size];
    for (int t = 0; t < size; t++) {
      PodDemand demand = workload.get(t).demand();
      typeCpuRank[t] = Arrays.binarySearch(cpuSteps, demand.cpuMillis());
      typeMemoryRank[t] = Arrays.binarySearch(memorySteps, demand.memoryBytes());
      typeSharing[t] =
          demand.sharesGpu() ? Arrays.binarySearch(sharingMilli, demand.gpuMilli()) : -1;
      typeWhole[t] =
          !demand.sharesGpu() && demand.gpus() > 0
              ? Arrays.binarySearch(wholeCounts, demand.gpus())
              : -1;
      typeWeight[t] = workload.get(t).popularity() / total;
    }
    long cellCount = (long) (cpuSteps.length + 1) * (memorySteps.length + 1);
    cells = cellCount <= MAX_CACHED_CELLS ? new Weights[(int) cellCount] : null;
  }

  @Override
  public double of(long cpuFree, long memoryFree, int[] gpuFree) {
    Weights weights = weights(cpuFree, memoryFree);
    long total = 0;
    long partial = 0;
    int fullyFree = 0;
    double sharing = 0;
    for (int free : gpuFree) {
      total += free;
      if (free == PodDemand.WHOLE_GPU) {
        fullyFree++;
      } else {
        partial += free;
        sharing += free * weights.sharingSuffix[sharingAbove[free]];
      }
    }
    double fragmentation = total * (1 - weights.fittingGpuWeight) + sharing;
    for (int w = 0; w < wholeCounts.length; w++) {
      fragmentation += weights.whole[w] * (fullyFree >= wholeCounts[w] ? partial : total);
    }
    return fragmentation;
  }

  private Weights weights(long cpuFree, long memoryFree) {
    int cpuRank = upperBound(cpuSteps, cpuFree);
    int memoryRank = upperBound(memorySteps, memoryFree);
    if (cells == null) {
      return computeWeights(cpuRank, memoryRank);
    }
    int cell = cpuRank * (memorySteps.length + 1) + memoryRank;
    Weights weights = cells[cell];
    if (weights == null) {
      // A benign race: Weights is immutable with final fields, so a thread sees it whole.
      weights = computeWeights(cpuRank, memoryRank);
      cells[cell] = weights;
    }
    return weights;
  }

  private Weights computeWeights(int cpuRank, int memoryRank) {
    double[] sharingWeight = new double[sharingMilli.length + 1];
    double[] whole = new double[wholeCounts.length];
    double fitting = 0;
    for (int t = 0; t < typeWeight.length; t++) {
      if (typeCpuRank[t] >= cpuRank || typeMemoryRank[t] >= memoryRank) {
        continue;
      }
      if (typeSharing[t] >= 0) {
        sharingWeight[typeSharing[t]] += typeWeight[t];
        fitting += typeWeight[t];
      } else if (typeWhole[t] >= 0) {
        whole[typeWhole[t]] += typeWeight[t];
        fitting += typeWeight[t];
      }
    }
    for (int k = sharingMilli.length - 1; k >= 0; k--) {
      sharingWeight[k] += sharingWeight[k + 1];
    }
    return new Weights(sharingWeight, whole, fitting);
  }

  /** How many of the ascending {@code steps} are at most {@code value}. */
  private static int upperBound(long[] steps, long value) {
    int low = 0;
    int high = steps.length;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (steps[mid] <= value) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }

  private static int upperBound(int[] steps, int value) {
    int index = Arrays.binarySearch(steps, value);
    return index >= 0 ? index + 1 : -index - 1;
  }

  /**
   * The popularity of the GPU task types that fit some free cpu and memory: {@code
   * sharingSuffix[k]} sums the sharing types asking for at least the k-th smallest share, {@code
   * whole[w]} the whole-GPU types asking for the w-th smallest device count.
   */
  private static final class Weights {
    private final double[] sharingSuffix;
    private final double[] whole;
    private final double fittingGpuWeight;

    Weights(double[] sharingSuffix, double[] whole, double fittingGpuWeight) {
      this.sharingSuffix = sharingSuffix;
      this.whole = whole;
      this.fittingGpuWeight = fittingGpuWeight;
    }
  }
}
