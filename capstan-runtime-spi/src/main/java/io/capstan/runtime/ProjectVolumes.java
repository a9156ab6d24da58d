package io.capstan.runtime;

import java.util.List;

/**
 * The volumes of projects ({@link MountSource.ProjectVolume}, a pod's {@code
 * persistentVolumeClaim}): storage that outlives every job, listed and deleted by the control plane
 * through the runtime. Locally folders under the runtime's state directory; on Kubernetes the
 * claims of the project's namespace. Safe to call from any thread.
 */
public interface ProjectVolumes {
  /**
   * One volume of a project.
   *
   * @param claim its name
   * @param bytes the size of its regular files
   * @param files how many regular files it holds
   */
  record Usage(String claim, long bytes, long files) {}

  /** The volumes of {@code project} that exist, by name. */
  List<Usage> list(String project);

  /** Deletes a volume and everything in it; false when {@code project} has no such volume. */
  boolean delete(String project, String claim);
}
