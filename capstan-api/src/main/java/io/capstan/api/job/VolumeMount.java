package io.capstan.api.job;

import static java.util.Objects.requireNonNull;

/**
 * Where a replica's container sees one of its pod's volumes.
 *
 * @param name the {@link PodVolume} it mounts
 * @param mountPath an absolute container path
 * @param subPath a relative path inside the volume to mount instead of its root, or null
 * @param readOnly whether the replica may only read it
 */
public record VolumeMount(String name, String mountPath, String subPath, boolean readOnly) {
  public VolumeMount {
    requireNonNull(name, "name is null");
    requireNonNull(mountPath, "mountPath is null");
  }
}
