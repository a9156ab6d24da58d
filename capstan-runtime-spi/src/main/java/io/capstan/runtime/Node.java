package io.capstan.runtime;

import static java.util.Objects.requireNonNull;

import io.capstan.api.job.Resources;
import java.util.List;
import java.util.Map;

/**
 * A machine that runs replicas.
 *
 * @param name node name
 * @param capacity allocatable CPU, memory and GPU count
 * @param gpus the GPU devices, by index, with their model
 * @param labels node labels (GPU model, zone, ...)
 * @param spot capacity the cloud may take back at short notice (a spot or preemptible node, known
 *     by its labels): the scheduler prefers it for jobs that checkpoint
 */
public record Node(
    String name, Resources capacity, List<Gpu> gpus, Map<String, String> labels, boolean spot) {
  public Node {
    requireNonNull(name, "name is null");
    requireNonNull(capacity, "capacity is null");
    gpus = gpus == null ? List.of() : List.copyOf(gpus);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  /** An on-demand node. */
  public Node(String name, Resources capacity, List<Gpu> gpus, Map<String, String> labels) {
    this(name, capacity, gpus, labels, false);
  }

  /** One GPU device. */
  public record Gpu(int index, String model, long memoryBytes) {}
}
