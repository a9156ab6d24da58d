package io.capstan.server.job;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Limits on what is collected from a succeeded job's output directory into the artifact store
 * ({@code capstan.job-outputs.*}); a file over a limit is left out and named in a job event.
 *
 * @param maxFileBytes the largest file collected (default 2 GiB, as the largest model file)
 * @param maxTotalBytes the most bytes collected from one job (default 20 GiB); files are taken in
 *     path order until the next one would pass it
 */
@ConfigurationProperties(prefix = "capstan.job-outputs")
public record JobOutputsConfig(Long maxFileBytes, Long maxTotalBytes) {
  static final long DEFAULT_MAX_FILE_BYTES = 2L << 30;
  static final long DEFAULT_MAX_TOTAL_BYTES = 20L << 30;

  public JobOutputsConfig {
    maxFileBytes = maxFileBytes == null ? DEFAULT_MAX_FILE_BYTES : maxFileBytes;
    maxTotalBytes = maxTotalBytes == null ? DEFAULT_MAX_TOTAL_BYTES : maxTotalBytes;
    if (maxFileBytes < 1) {
      throw new IllegalArgumentException(
          "Expected capstan.job-outputs.max-file-bytes to be positive, but was " + maxFileBytes);
    }
    if (maxTotalBytes < 1) {
      throw new IllegalArgumentException(
          "Expected capstan.job-outputs.max-total-bytes to be positive, but was " + maxTotalBytes);
    }
  }

  /** The defaults. */
  public static JobOutputsConfig defaults() {
    return new JobOutputsConfig(null, null);
  }
}
