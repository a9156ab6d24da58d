package io.capstan.runtime;

import java.io.InputStream;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The volumes of jobs ({@link MountSource.JobVolume}), read and deleted by the control plane
 * through the runtime, never on a disk of its own: it copies a succeeded job's {@code output}
 * volume into its artifact store, and deletes a job's volumes with the job.
 *
 * <p>The local runtime reads the folders under its state directory. A Kubernetes runtime reads a
 * claim through a short-lived pod that mounts it (listing with {@code find}, streaming one file
 * with {@code cat} over the exec API) and deletes the job's claims by label.
 *
 * <p>Safe to call from any thread, also while the controller thread calls the runtime. Reading a
 * volume that replicas still write shows what they have written so far.
 */
public interface JobVolumes {
  /**
   * Every file below the volume {@code volume} of job {@code jobUid}, at any depth, in path order;
   * directories are not listed. Empty when the job has no such volume.
   */
  List<VolumeFile> list(String jobUid, String volume);

  /**
   * Opens the regular file at {@code path} (relative, as {@link #list} reports it) of a job's
   * volume; the caller closes the stream. Never follows a symbolic link.
   *
   * @throws NoSuchElementException when there is no regular file there
   */
  InputStream open(String jobUid, String volume, String path);

  /** Deletes every volume of the job; does nothing when it has none. */
  void delete(String jobUid);

  /** Checks the arguments of {@link #list} and {@link #open}, as every implementation does. */
  static void checkVolume(String jobUid, String volume) {
    Objects.requireNonNull(jobUid, "jobUid is null");
    new MountSource.JobVolume(volume);
  }

  /** Checks a relative path of a volume. */
  static String checkPath(String path) {
    Objects.requireNonNull(path, "path is null");
    return VolumePaths.check(path, "a volume path");
  }
}
