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
 */
public record Node(String name, Resources capacity, List<Gpu> gpus, Map<String, String> labels) {
  public Node {
    requireNonNull(name, "name is null");
    requireNonNull(capacity, "capacity is null");
    gpus = gpus == null ? List.of() : List.copyOf(gpus);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  /** One GPU device. */
  public record Gpu(int index, String model, long memoryBytes) {}
}
