package io.capstan.runtime;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * How a runtime reads the control plane's artifacts, to materialize an artifact mount ({@link
 * MountSource.Artifact}); handed to it in {@link RuntimeContext#artifacts()}. Safe to call from any
 * thread.
 */
public interface ArtifactReader {
  /** A reader that has no artifacts: every artifact mount fails to launch. */
  ArtifactReader NONE =
      key -> {
        throw new NoSuchElementException("No artifact " + key + ": this runtime has no store");
      };

  /**
   * Opens the artifact {@code key}; the caller closes the stream.
   *
   * @throws NoSuchElementException when there is none
   */
  InputStream open(String key);

  /**
   * The artifact's file on this machine, when the store keeps it there (the local store), so a
   * runtime on the same machine binds it instead of copying it; empty otherwise.
   */
  default Optional<Path> localFile(String key) {
    return Optional.empty();
  }

  /**
   * How a machine without the store's credentials fetches artifact {@code key} itself: URLs that
   * read its file, or each file under it when it is a folder (a dataset version), each good for
   * {@code ttl}, with the sizes and SHA-256 sums the store knows cheaply. Empty when the store
   * cannot give such URLs (local files on the control plane's disk), so a runtime on other machines
   * must refuse the mount.
   *
   * @throws NoSuchElementException when there is no artifact or folder under {@code key}
   */
  default Optional<ArtifactDownload> download(String key, Duration ttl) {
    return Optional.empty();
  }
}
