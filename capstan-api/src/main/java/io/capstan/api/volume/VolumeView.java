package io.capstan.api.volume;

import java.util.List;

/**
 * A volume of a project: what a job's {@code persistentVolumeClaim} of that name mounts, kept
 * across jobs.
 *
 * @param name the claim's name
 * @param bytes the size of its files
 * @param files how many files it holds
 * @param usedBy the jobs of the project, not finished, that mount it
 */
public record VolumeView(String name, long bytes, long files, List<String> usedBy) {
  public VolumeView {
    usedBy = usedBy == null ? List.of() : List.copyOf(usedBy);
  }
}
