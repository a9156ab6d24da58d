package io.capstan.scheduler.cluster;

import java.util.Locale;

/**
 * An immutable amount of CPU (millicores), memory (bytes) and GPU (thousandths of a device); used
 * for capacities, usage, demands and quotas. Arithmetic returns new values.
 */
public record ResourceAmounts(long cpuMillis, long memoryBytes, long gpuMilli) {
  public static final ResourceAmounts ZERO = new ResourceAmounts(0, 0, 0);

  /** Practically unlimited: the neutral value of a limit that is not set. */
  public static final ResourceAmounts UNLIMITED =
      new ResourceAmounts(Long.MAX_VALUE / 4, Long.MAX_VALUE / 4, Long.MAX_VALUE / 4);

  public static ResourceAmounts gpus(long wholeGpus) {
    return new ResourceAmounts(0, 0, wholeGpus * PodDemand.WHOLE_GPU);
  }

  public ResourceAmounts add(ResourceAmounts other) {
    return new ResourceAmounts(
        cpuMillis + other.cpuMillis, memoryBytes + other.memoryBytes, gpuMilli + other.gpuMilli);
  }

  public ResourceAmounts subtract(ResourceAmounts other) {
    return new ResourceAmounts(
        cpuMillis - other.cpuMillis, memoryBytes - other.memoryBytes, gpuMilli - other.gpuMilli);
  }

  public ResourceAmounts times(long factor) {
    return new ResourceAmounts(cpuMillis * factor, memoryBytes * factor, gpuMilli * factor);
  }

  /** Each dimension at most {@code other}'s. */
  public boolean fitsIn(ResourceAmounts other) {
    return cpuMillis <= other.cpuMillis
        && memoryBytes <= other.memoryBytes
        && gpuMilli <= other.gpuMilli;
  }

  public ResourceAmounts min(ResourceAmounts other) {
    return new ResourceAmounts(
        Math.min(cpuMillis, other.cpuMillis),
        Math.min(memoryBytes, other.memoryBytes),
        Math.min(gpuMilli, other.gpuMilli));
  }

  public ResourceAmounts max(ResourceAmounts other) {
    return new ResourceAmounts(
        Math.max(cpuMillis, other.cpuMillis),
        Math.max(memoryBytes, other.memoryBytes),
        Math.max(gpuMilli, other.gpuMilli));
  }

  /** Negative dimensions become 0. */
  public ResourceAmounts clampToZero() {
    return max(ZERO);
  }

  public boolean isZero() {
    return cpuMillis == 0 && memoryBytes == 0 && gpuMilli == 0;
  }

  /**
   * The largest share this amount is of {@code total} over the dimensions {@code total} has (the
   * dominant share of Dominant Resource Fairness).
   */
  public double dominantShare(ResourceAmounts total) {
    double share = 0;
    if (total.cpuMillis > 0) {
      share = Math.max(share, (double) cpuMillis / total.cpuMillis);
    }
    if (total.memoryBytes > 0) {
      share = Math.max(share, (double) memoryBytes / total.memoryBytes);
    }
    if (total.gpuMilli > 0) {
      share = Math.max(share, (double) gpuMilli / total.gpuMilli);
    }
    return share;
  }

  /** {@code cpu=2 memory=4Gi gpu=1.5}, for messages. */
  @Override
  public String toString() {
    return "cpu=" + formatCpu() + " memory=" + formatMemory() + " gpu=" + formatGpus(gpuMilli);
  }

  public static String formatGpus(long gpuMilli) {
    return gpuMilli % PodDemand.WHOLE_GPU == 0
        ? Long.toString(gpuMilli / PodDemand.WHOLE_GPU)
        : String.format(Locale.ROOT, "%.2f", gpuMilli / (double) PodDemand.WHOLE_GPU);
  }

  private String formatCpu() {
    return cpuMillis % 1000 == 0 ? Long.toString(cpuMillis / 1000) : cpuMillis + "m";
  }

  private String formatMemory() {
    long gi = 1L << 30;
    long mi = 1L << 20;
    if (memoryBytes % gi == 0) {
      return memoryBytes / gi + "Gi";
    }
    if (memoryBytes % mi == 0 && memoryBytes < 64 * gi) {
      return memoryBytes / mi + "Mi";
    }
    return String.format(Locale.ROOT, "%.1fGi", memoryBytes / (double) gi);
  }
}
