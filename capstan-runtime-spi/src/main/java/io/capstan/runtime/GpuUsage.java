package io.capstan.runtime;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * How busy one GPU device was at its last sample ({@link WorkloadRuntime#gpuUsage}).
 *
 * @param node the node it is on
 * @param index its device index there (as in {@code CUDA_VISIBLE_DEVICES})
 * @param utilization the share of the last sample period in which a kernel ran, 0 to 1
 * @param memoryUsedBytes device memory in use
 * @param memoryTotalBytes device memory in all
 * @param sampledAt when it was read
 */
public record GpuUsage(
    String node,
    int index,
    double utilization,
    long memoryUsedBytes,
    long memoryTotalBytes,
    Instant sampledAt) {
  public GpuUsage {
    requireNonNull(node, "node is null");
    requireNonNull(sampledAt, "sampledAt is null");
  }
}
