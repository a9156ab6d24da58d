package io.capstan.server.artifact;

import static java.util.Objects.requireNonNull;

/**
 * An artifact as stored.
 *
 * @param key its key in the store
 * @param sizeBytes its size
 * @param sha256 the SHA-256 of its content, lowercase hex
 */
public record StoredArtifact(String key, long sizeBytes, String sha256) {
  public StoredArtifact {
    requireNonNull(key, "key is null");
    requireNonNull(sha256, "sha256 is null");
  }
}
