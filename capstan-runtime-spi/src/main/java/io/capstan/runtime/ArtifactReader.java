package io.capstan.runtime;

import java.io.InputStream;
import java.nio.file.Path;
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
}
