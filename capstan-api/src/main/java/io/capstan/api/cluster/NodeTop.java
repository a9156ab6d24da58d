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
 * @param pool {@value #SPOT} for capacity the cloud may take back at short notice (a spot or
 *     preemptible node, where checkpointing jobs are preferred), else {@value #ON_DEMAND}
 */
public record NodeTop(
    String name,
    ResourceQuantities capacity,
    ResourceQuantities allocated,
    ResourceQuantities free,
    List<GpuTop> gpus,
    String pool) {
  public static final String SPOT = "spot";
  public static final String ON_DEMAND = "on-demand";

  public NodeTop {
    gpus = gpus == null ? List.of() : List.copyOf(gpus);
    pool = pool == null ? ON_DEMAND : pool;
  }

  /** An on-demand node. */
  public NodeTop(
      String name,
      ResourceQuantities capacity,
      ResourceQuantities allocated,
      ResourceQuantities free,
      List<GpuTop> gpus) {
    this(name, capacity, allocated, free, gpus, ON_DEMAND);
  }
}
