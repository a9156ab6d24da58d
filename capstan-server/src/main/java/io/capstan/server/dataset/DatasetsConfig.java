package io.capstan.server.dataset;

import java.net.URI;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Limits and permissions of datasets ({@code capstan.datasets.*}).
 *
 * @param maxFileBytes the largest file a version may hold (default 64 GiB)
 * @param maxVersionBytes the most bytes one version may hold (default 1 TiB)
 * @param allowedS3Endpoints the S3 endpoints a version may be copied from besides the artifact
 *     store's own (default none): the control plane connects to them on a user's behalf, so only
 *     those the operator lists
 */
@ConfigurationProperties(prefix = "capstan.datasets")
public record DatasetsConfig(
    Long maxFileBytes, Long maxVersionBytes, List<URI> allowedS3Endpoints) {
  static final long DEFAULT_MAX_FILE_BYTES = 64L << 30;
  static final long DEFAULT_MAX_VERSION_BYTES = 1L << 40;

  public DatasetsConfig {
    maxFileBytes = maxFileBytes == null ? DEFAULT_MAX_FILE_BYTES : maxFileBytes;
    maxVersionBytes = maxVersionBytes == null ? DEFAULT_MAX_VERSION_BYTES : maxVersionBytes;
    allowedS3Endpoints = allowedS3Endpoints == null ? List.of() : List.copyOf(allowedS3Endpoints);
    if (maxFileBytes < 1 || maxVersionBytes < 1) {
      throw new IllegalArgumentException(
          "Expected capstan.datasets.max-file-bytes and max-version-bytes to be positive, but were "
              + maxFileBytes
              + " and "
              + maxVersionBytes);
    }
  }

  /** The defaults. */
  public static DatasetsConfig defaults() {
    return new DatasetsConfig(null, null, null);
  }
}
