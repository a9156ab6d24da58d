package io.capstan.runtime;

import static java.util.Objects.requireNonNull;

/**
 * An entry of a job volume, as {@link JobVolumes#list} reports it.
 *
 * @param path its path relative to the volume's root, {@code /}-separated
 * @param sizeBytes its size; 0 for an entry that is not a regular file
 * @param regularFile whether it is a regular file, which {@link JobVolumes#open} reads; a symbolic
 *     link, socket or device is listed, never followed or read
 */
public record VolumeFile(String path, long sizeBytes, boolean regularFile) {
  public VolumeFile {
    requireNonNull(path, "path is null");
    if (sizeBytes < 0) {
      throw new IllegalArgumentException(
          "Expected a non-negative size of '" + path + "', but was " + sizeBytes);
    }
  }
}
