package io.capstan.api.job;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What a job left in its output directory ({@code CAPSTAN_OUTPUT_DIR}), as the control plane
 * collected it into its artifact store when the job succeeded.
 *
 * @param collected whether the outputs were collected: false until the job has succeeded (and for a
 *     job that failed or was cancelled, whose outputs are not kept)
 * @param files the collected files, in path order
 * @param notCollected the files that were left out, each with the reason
 */
public record JobOutputsView(boolean collected, List<File> files, List<Skipped> notCollected) {
  public JobOutputsView {
    files = files == null ? List.of() : List.copyOf(files);
    notCollected = notCollected == null ? List.of() : List.copyOf(notCollected);
  }

  /**
   * A collected file.
   *
   * @param path its path relative to the output directory, {@code /}-separated
   * @param sizeBytes its size
   * @param sha256 the SHA-256 of its content, lowercase hex
   */
  public record File(String path, long sizeBytes, String sha256) {
    public File {
      requireNonNull(path, "path is null");
      requireNonNull(sha256, "sha256 is null");
    }
  }

  /**
   * A file that was not collected.
   *
   * @param path its path relative to the output directory
   * @param reason why, in plain words
   */
  public record Skipped(String path, String reason) {
    public Skipped {
      requireNonNull(path, "path is null");
      requireNonNull(reason, "reason is null");
    }
  }
}
