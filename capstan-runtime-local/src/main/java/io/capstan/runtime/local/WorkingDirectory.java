package io.capstan.runtime.local;

import io.capstan.api.error.CapstanException;
import io.capstan.runtime.Mount;
import io.capstan.runtime.MountSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a replica with a working directory (a container path: its launch's, else its image's)
 * starts, as a container would: in a folder of one of its mounts or code folders; in a folder the
 * host has, outside them (read-only in a sandbox); or, where there is nothing at that path, in an
 * empty folder of the replica's own ({@code scratch}), as a container runtime creates a missing
 * working directory (in a sandbox also below {@code /tmp} and {@code /dev/shm}, which are the
 * sandbox's own). A sandboxed replica starts at the container path itself; one without a sandbox at
 * the host path that stands for it.
 *
 * @param chdir where the command starts: a container path in a sandbox, else a host path
 * @param create a host folder to make before the start (a missing folder of a writable mount, or
 *     the scratch folder), or null
 * @param bind a mount to add to the sandbox (the scratch folder at the container path), or null
 */
record WorkingDirectory(String chdir, Path create, Mount bind) {
  /**
   * Resolves {@code containerPath}.
   *
   * @param mounts every mount the replica sees: its launch's, its image's code folders and its own
   *     work folder
   * @param scratch the replica's own folder for a working directory that exists nowhere
   */
  static WorkingDirectory resolve(
      String containerPath, List<Mount> mounts, boolean sandboxed, Path scratch, String image) {
    Mount under = null;
    for (Mount mount : mounts) {
      String path = mount.containerPath();
      boolean covers = containerPath.equals(path) || containerPath.startsWith(path + "/");
      if (covers && (under == null || path.length() > under.containerPath().length())) {
        under = mount;
      }
    }
    if (under != null && !(under.source() instanceof MountSource.HostPath)) {
      // A memory volume in a sandbox (a tmpfs): its folder is there once bubblewrap mounts it.
      return new WorkingDirectory(containerPath, null, null);
    }
    if (under != null) {
      Path host =
          Path.of(under.hostPath() + containerPath.substring(under.containerPath().length()));
      Path create = null;
      if (!Files.isDirectory(host)) {
        if (under.readOnly()) {
          throw CapstanException.invalidSpec(
              "workingDir",
              "Expected working directory '"
                  + containerPath
                  + "' of image '"
                  + image
                  + "' to be a folder of the read-only folder mounted at '"
                  + under.containerPath()
                  + "', but "
                  + host
                  + " is not a folder (a read-only folder cannot have one made in it)");
        }
        create = host;
      }
      return new WorkingDirectory(sandboxed ? containerPath : host.toString(), create, null);
    }
    boolean ownFolderInSandbox =
        sandboxed && (containerPath.startsWith("/tmp/") || containerPath.startsWith("/dev/shm/"));
    if (!ownFolderInSandbox && Files.isDirectory(Path.of(containerPath))) {
      return new WorkingDirectory(containerPath, null, null);
    }
    return sandboxed
        ? new WorkingDirectory(containerPath, scratch, Mount.writable(scratch, containerPath))
        : new WorkingDirectory(scratch.toString(), scratch, null);
  }
}
