package io.capstan.api.job;

import static java.util.Objects.requireNonNull;

import java.util.stream.Stream;

/**
 * Where an environment variable's value comes from when it is not written in the spec, as
 * Kubernetes' {@code valueFrom}: exactly one source.
 *
 * @param fieldRef a field of the replica's pod: {@code metadata.name}, {@code metadata.namespace},
 *     {@code metadata.uid}, {@code metadata.labels['KEY']}, {@code metadata.annotations['KEY']},
 *     {@code spec.nodeName}, {@code spec.serviceAccountName}, {@code status.podIP}, {@code
 *     status.hostIP}; or null
 * @param resourceFieldRef a request or limit of the replica's container, or null
 * @param secretKeyRef a key of a secret of the project, or null
 * @param configMapKeyRef a key of a config map of the project, or null
 */
public record EnvValueFrom(
    String fieldRef, ResourceRef resourceFieldRef, KeyRef secretKeyRef, KeyRef configMapKeyRef) {
  public EnvValueFrom {
    long sources =
        Stream.of(fieldRef, resourceFieldRef, secretKeyRef, configMapKeyRef)
            .filter(source -> source != null)
            .count();
    if (sources != 1) {
      throw new IllegalArgumentException(
          "Expected a valueFrom with exactly one source, but it has " + sources);
    }
  }

  /**
   * A key of a secret or config map.
   *
   * @param optional whether a missing object or key leaves the variable unset instead of failing
   */
  public record KeyRef(String name, String key, boolean optional) {
    public KeyRef {
      requireNonNull(name, "name is null");
      requireNonNull(key, "key is null");
    }
  }

  /**
   * A resource of the container: {@code limits.cpu}, {@code requests.memory}, ...
   *
   * @param resource the resource's path
   * @param divisor the unit the value is given in, a quantity as Kubernetes' {@code divisor}
   *     ({@code 1}, {@code 1m}, {@code 1Mi}); null is {@code 1}
   */
  public record ResourceRef(String resource, String divisor) {
    public ResourceRef {
      requireNonNull(resource, "resource is null");
      divisor = divisor == null ? "1" : divisor;
    }
  }
}
