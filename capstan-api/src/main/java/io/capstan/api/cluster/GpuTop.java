package io.capstan.api.cluster;

/**
 * One GPU device of a node in {@link ClusterTop}.
 *
 * @param index the device index on its node (as in {@code CUDA_VISIBLE_DEVICES})
 * @param model the device model, empty when unknown
 * @param heldBy null when free; {@code project/job} when the caller may see the project; else
 *     {@link #IN_USE}
 */
public record GpuTop(int index, String model, String heldBy) {
  /** What a GPU held by a job of a project the caller cannot see says. */
  public static final String IN_USE = "in use";
}
