package io.capstan.api.cluster;

/**
 * One GPU device of a node in {@link ClusterTop}.
 *
 * @param index the device index on its node (as in {@code CUDA_VISIBLE_DEVICES})
 * @param model the device model, empty when unknown
 * @param heldBy null when free; {@code project/job} when the caller may see the project; else
 *     {@link #IN_USE}
 * @param utilization the share of the last sample period a kernel ran on it, 0 to 1, from {@code
 *     nvidia-smi}; null where the runtime does not sample GPUs or the device does not say
 * @param memoryUsedBytes device memory in use at that sample, or null
 * @param memoryTotalBytes device memory in all, or null
 */
public record GpuTop(
    int index,
    String model,
    String heldBy,
    Double utilization,
    Long memoryUsedBytes,
    Long memoryTotalBytes) {
  /** What a GPU held by a job of a project the caller cannot see says. */
  public static final String IN_USE = "in use";

  /** A device with no usage sample. */
  public GpuTop(int index, String model, String heldBy) {
    this(index, model, heldBy, null, null, null);
  }
}
