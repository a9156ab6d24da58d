package io.capstan.runtime;

import static java.util.Objects.requireNonNull;

/**
 * A file the runtime materializes before the replica starts, read-only at a container path (an MPI
 * hostfile at {@code /capstan/mpi/hostfile}; on Kubernetes, a ConfigMap mounted with {@code
 * subPath}). The control plane never writes it to a disk of its own.
 *
 * @param containerPath where the replica reads it: absolute, normalized, not {@code /}
 * @param content its text, written as UTF-8
 */
public record FileSpec(String containerPath, String content) {
  public FileSpec {
    requireNonNull(containerPath, "containerPath is null");
    requireNonNull(content, "content is null");
    ContainerPaths.check(containerPath, "a file's");
  }

  @Override
  public String toString() {
    return "FileSpec[containerPath=" + containerPath + ", " + content.length() + " characters]";
  }
}
