package io.capstan.runtime;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * A host file or directory that a replica sees at a container path (a volume mount on Kubernetes, a
 * bind mount in the local runtime's sandbox).
 *
 * @param hostPath the file or directory on the machine that runs the replica
 * @param containerPath where the replica sees it: absolute, not {@code /}, no {@code ..}
 * @param readOnly whether the replica may only read it
 */
public record Mount(Path hostPath, String containerPath, boolean readOnly) {
  public Mount {
    requireNonNull(hostPath, "hostPath is null");
    requireNonNull(containerPath, "containerPath is null");
    if (!hostPath.isAbsolute()) {
      throw new IllegalArgumentException(
          "Expected the host path of mount '"
              + containerPath
              + "' to be absolute, but was '"
              + hostPath
              + "'");
    }
    ContainerPaths.check(containerPath, "a mount's");
  }

  /** A directory or file the replica may write. */
  public static Mount writable(Path hostPath, String containerPath) {
    return new Mount(hostPath, containerPath, false);
  }

  /** A directory or file the replica may only read. */
  public static Mount readOnly(Path hostPath, String containerPath) {
    return new Mount(hostPath, containerPath, true);
  }
}
