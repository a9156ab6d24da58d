package io.capstan.jobspec;

import io.capstan.api.job.Resources;
import java.util.function.ToLongBiFunction;

/**
 * Reads a Kubernetes container's {@code resources} ({@code {requests, limits}}, as in a pod
 * template or Trainer's {@code resourcesPerNode}) into per-replica {@link Resources}: CPU, memory
 * and {@value #GPU_RESOURCE}. Limits win over requests; an absent resource is 0; other resources
 * (ephemeral storage, claims) are ignored.
 */
final class ContainerResources {
  static final String GPU_RESOURCE = "nvidia.com/gpu";

  private ContainerResources() {}

  /** The resources of {@code resources}, or none when it is null. */
  static Resources read(SpecMap resources) {
    if (resources == null) {
      return Resources.NONE;
    }
    SpecMap limits = resources.optionalMap("limits");
    SpecMap requests = resources.optionalMap("requests");
    return new Resources(
        limitOverRequest(limits, requests, "cpu", ResourceQuantities::cpuMillis),
        limitOverRequest(limits, requests, "memory", ResourceQuantities::memoryBytes),
        Math.toIntExact(
            limitOverRequest(limits, requests, GPU_RESOURCE, ResourceQuantities::gpus)));
  }

  /** Reads {@code key} of both maps, so a bad request is reported even when a limit wins. */
  private static long limitOverRequest(
      SpecMap limits, SpecMap requests, String key, ToLongBiFunction<SpecMap, String> reader) {
    long request = requests == null ? 0 : reader.applyAsLong(requests, key);
    return limits != null && limits.has(key) ? reader.applyAsLong(limits, key) : request;
  }
}
