package io.capstan.server.model;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The model registry's settings ({@code capstan.models.*}).
 *
 * @param maxArtifactBytes the largest model file accepted (default 2 GiB); larger uploads get 413
 */
@ConfigurationProperties(prefix = "capstan.models")
public record ModelsConfig(Long maxArtifactBytes) {
  static final long DEFAULT_MAX_ARTIFACT_BYTES = 2L * 1024 * 1024 * 1024;

  public ModelsConfig {
    maxArtifactBytes = maxArtifactBytes == null ? DEFAULT_MAX_ARTIFACT_BYTES : maxArtifactBytes;
    if (maxArtifactBytes < 1) {
      throw new IllegalArgumentException(
          "Expected capstan.models.max-artifact-bytes to be positive, but was " + maxArtifactBytes);
    }
  }
}
