package io.capstan.server.artifact;

import java.util.Map;

/**
 * What a feature knows of the artifacts it wrote under a folder (a dataset version's manifest):
 * their sizes and SHA-256 sums by path relative to the folder, so that a downloader checks what it
 * fetched without the store being asked per file.
 */
public interface KnownFiles {
  /** The files under {@code folder} this feature knows, by relative path; empty when none. */
  Map<String, StoredArtifact> under(String folder);
}
