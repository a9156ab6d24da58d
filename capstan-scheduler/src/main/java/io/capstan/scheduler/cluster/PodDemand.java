package io.capstan.scheduler.cluster;

/**
 * What one replica (pod) of a workload asks for. GPUs are either whole devices ({@code gpus >= 1},
 * {@code gpuMilli == 1000}) or a fraction of one shared device ({@code gpus == 1}, {@code gpuMilli}
 * in 1..999), as in Alibaba's GPU-sharing traces; no GPU is {@code gpus == 0, gpuMilli == 0}.
 *
 * @param cpuMillis CPU in millicores
 * @param memoryBytes memory in bytes
 * @param gpus number of GPU devices it uses
 * @param gpuMilli share of each of those devices, 1000 for a whole device
 */
public record PodDemand(long cpuMillis, long memoryBytes, int gpus, int gpuMilli) {
  public static final int WHOLE_GPU = 1000;

  public PodDemand {
    if (cpuMillis < 0 || memoryBytes < 0 || gpus < 0) {
      throw new IllegalArgumentException(
          "Expected non-negative cpu, memory and gpus, but were "
              + cpuMillis
              + ", "
              + memoryBytes
              + ", "
              + gpus);
    }
    if (gpus == 0 && gpuMilli != 0) {
      throw new IllegalArgumentException("Expected gpuMilli 0 without GPUs, but was " + gpuMilli);
    }
    if (gpus > 0 && (gpuMilli < 1 || gpuMilli > WHOLE_GPU)) {
      throw new IllegalArgumentException(
          "Expected gpuMilli between 1 and 1000, but was " + gpuMilli);
    }
    if (gpus > 1 && gpuMilli != WHOLE_GPU) {
      throw new IllegalArgumentException(
          "Expected whole devices when asking for " + gpus + " GPUs, but gpuMilli was " + gpuMilli);
    }
  }

  /** Whole GPUs. */
  public static PodDemand of(long cpuMillis, long memoryBytes, int gpus) {
    return new PodDemand(cpuMillis, memoryBytes, gpus, gpus == 0 ? 0 : WHOLE_GPU);
  }

  /** A fraction of one GPU, in thousandths. */
  public static PodDemand sharing(long cpuMillis, long memoryBytes, int gpuMilli) {
    return new PodDemand(cpuMillis, memoryBytes, 1, gpuMilli);
  }

  public boolean sharesGpu() {
    return gpus == 1 && gpuMilli < WHOLE_GPU;
  }

  /** GPU in thousandths of a device: 2 whole GPUs are 2000. */
  public long totalGpuMilli() {
    return (long) gpus * gpuMilli;
  }

  public ResourceAmounts amounts() {
    return new ResourceAmounts(cpuMillis, memoryBytes, totalGpuMilli());
  }
}
