package io.capstan.runtime;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * Something a replica sees at a container path: a host path, a volume of its job, or an artifact
 * (see {@link MountSource}); a volume mount on Kubernetes, a bind mount in the local runtime's
 * sandbox.
 *
 * @param source what is mounted
 * @param containerPath where the replica sees it: absolute, not {@code /}, no {@code ..}
 * @param readOnly whether the replica may only read it; an artifact is always read-only
 */
public record Mount(MountSource source, String containerPath, boolean readOnly) {
  public Mount {
    requireNonNull(source, "source is null");
    requireNonNull(containerPath, "containerPath is null");
    ContainerPaths.check(containerPath, "a mount's");
    if (source instanceof MountSource.Artifact && !readOnly) {
      throw new IllegalArgumentException(
          "Expected the artifact mount at '" + containerPath + "' to be read-only, but it is not");
    }
  }

  /** A host directory or file the replica may write. */
  public static Mount writable(Path hostPath, String containerPath) {
    return new Mount(new MountSource.HostPath(hostPath), containerPath, false);
  }

  /** A host directory or file the replica may only read. */
  public static Mount readOnly(Path hostPath, String containerPath) {
    return new Mount(new MountSource.HostPath(hostPath), containerPath, true);
  }

  /** The job's volume {@code name}, writable. */
  public static Mount volume(String name, String containerPath) {
    return new Mount(new MountSource.JobVolume(name), containerPath, false);
  }

  /** The artifact {@code key} of the control plane's store, read-only. */
  public static Mount artifact(String key, String containerPath) {
    return new Mount(new MountSource.Artifact(key), containerPath, true);
  }

  /**
   * The host path of a host-path mount.
   *
   * @throws IllegalStateException for a volume or artifact, which only the runtime resolves
   */
  public Path hostPath() {
    if (source instanceof MountSource.HostPath host) {
      return host.path();
    }
    throw new IllegalStateException(
        "Expected a host-path mount at '"
            + containerPath
            + "', but it mounts "
            + source
            + ", which the runtime resolves");
  }
}
