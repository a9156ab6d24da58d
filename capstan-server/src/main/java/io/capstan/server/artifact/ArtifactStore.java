package io.capstan.server.artifact;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where model files, job outputs and datasets live: local files under the data dir ({@link
 * LocalArtifactStore}) or an S3-compatible object store ({@link S3ArtifactStore}). Everything goes
 * through streams, so an object store needs no local copy.
 *
 * <p>Keys are relative, slash-separated paths of segments made of letters, digits, {@code .},
 * {@code _} and {@code -} (no {@code ..}); see {@link ArtifactKeys}. Writes are atomic: a reader
 * sees the whole artifact or none, and a failed or refused {@link #put} leaves nothing behind.
 */
public interface ArtifactStore {
  /**
   * Stores everything {@code content} yields under {@code key}, replacing what was there, and
   * computes its size and SHA-256 while streaming. Does not close {@code content}.
   *
   * @param maxBytes the largest artifact accepted
   * @throws ArtifactTooLargeException when {@code content} holds more than {@code maxBytes};
   *     nothing is stored
   * @throws java.io.UncheckedIOException when reading or writing fails; nothing is stored
   */
  StoredArtifact put(String key, InputStream content, long maxBytes);

  /**
   * {@link #put}, except that the store may send the content on after this returns: it reads all of
   * {@code content} now (so the caller may go on with the stream), and the returned artifact's
   * {@link PendingArtifact#await} says when it is stored or why it failed. A store where writing is
   * cheaper than waiting stores it at once (the default). Callers that write many artifacts in a
   * row (a dataset version's files) overlap their uploads this way.
   *
   * @throws ArtifactTooLargeException when {@code content} holds more than {@code maxBytes};
   *     nothing is stored
   */
  default PendingArtifact putLater(String key, InputStream content, long maxBytes) {
    return PendingArtifact.stored(put(key, content, maxBytes));
  }

  /**
   * Opens a stored artifact for reading; the caller closes the stream.
   *
   * @throws java.util.NoSuchElementException when there is no artifact under {@code key}
   */
  InputStream open(String key);

  /** Size and SHA-256 of a stored artifact, or empty when there is none under {@code key}. */
  Optional<StoredArtifact> stat(String key);

  /** Deletes an artifact; returns whether there was one. */
  boolean delete(String key);

  /**
   * The keys of every stored artifact in {@code folder} (a key such as {@code models}) and below,
   * in no particular order: what a sweep compares with the keys still referenced.
   */
  List<String> keysUnder(String folder);

  /**
   * The artifact's file, for readers on this machine (the local model server loads it directly);
   * empty for stores without local files, or when there is no artifact under {@code key}.
   */
  default Optional<Path> localPath(String key) {
    return Optional.empty();
  }

  /**
   * The files of every artifact under {@code folder} as one folder on this machine, laid out by
   * key, for a runtime on this machine to bind read-only (a dataset version): the local store's own
   * folder; an object store's cache copy, downloaded on the first call and kept (callers only ask
   * for folders whose artifacts never change). Empty when there is no artifact under it.
   */
  default Optional<Path> localFolder(String folder) {
    return Optional.empty();
  }

  /** Forgets the local copy {@link #localFolder} made of {@code folder}, if any. */
  default void dropLocalFolder(String folder) {}

  /**
   * A URL that reads the artifact under {@code key} by a plain GET, without other credentials, for
   * {@code ttl} (an object store's presigned URL), for machines that must not hold the store's keys
   * (a pod's storage initializer, decision 119); empty for stores that cannot give one (local
   * files). Does not check that the artifact exists.
   */
  default Optional<URI> presignedGet(String key, Duration ttl) {
    return Optional.empty();
  }
}
