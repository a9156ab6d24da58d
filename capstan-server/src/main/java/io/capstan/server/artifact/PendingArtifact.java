package io.capstan.server.artifact;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * An artifact whose content was read and measured but may still be on its way into the store
 * ({@link ArtifactStore#putLater}): its size and SHA-256 are known at once, {@link #await} says
 * whether it arrived.
 */
public final class PendingArtifact {
  private final StoredArtifact artifact;
  private final CompletableFuture<Void> arrival;

  PendingArtifact(StoredArtifact artifact, CompletableFuture<Void> arrival) {
    this.artifact = requireNonNull(artifact, "artifact is null");
    this.arrival = requireNonNull(arrival, "arrival is null");
  }

  /** An artifact already stored. */
  public static PendingArtifact stored(StoredArtifact artifact) {
    return new PendingArtifact(artifact, CompletableFuture.completedFuture(null));
  }

  /** The artifact as it will be stored. */
  public StoredArtifact artifact() {
    return artifact;
  }

  /**
   * Waits until the artifact is stored.
   *
   * @throws UncheckedIOException when storing it failed; nothing is stored
   */
  public void await() {
    try {
      arrival.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(
          "Interrupted while storing artifact " + artifact.key(), new IOException(e));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UncheckedIOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new UncheckedIOException(
          "Cannot store artifact " + artifact.key(), new IOException(e.getCause()));
    }
  }
}
