package io.capstan.api.cluster;

import io.capstan.api.queue.ResourceQuantities;
import java.util.List;

/**
 * One node in {@link ClusterTop}: what it has, what is allocated on it, and who holds each GPU.
 *
 * @param capacity allocatable CPU, memory and GPUs
 * @param allocated held by admitted jobs' replicas placed here
 * @param free capacity not allocated
 * @param gpus each GPU device, by index
 */
public record NodeTop(
    String name,
    ResourceQuantities capacity,
    ResourceQuantities allocated,
    ResourceQuantities free,
    List<GpuTop> gpus) {
  public NodeTop {
    gpus = gpus == null ? List.of() : List.copyOf(gpus);
  }
}
