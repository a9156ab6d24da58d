package io.capstan.server.artifact;

import static java.util.Objects.requireNonNull;

import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The local artifact store with a record of every {@link #put} and a way to make the next put of a
 * key fail, as a crash or a full disk would: what a controller test needs to show idempotence.
 */
public final class TestingArtifactStore implements ArtifactStore {
  private final LocalArtifactStore store;
  private final List<String> puts = new ArrayList<>();
  private String failNextPutOf;

  public TestingArtifactStore(Path root) {
    this.store = new LocalArtifactStore(root);
  }

  /** The next put of a key ending in {@code suffix} fails with an I/O error; nothing is stored. */
  public synchronized TestingArtifactStore failNextPutOf(String suffix) {
    this.failNextPutOf = requireNonNull(suffix, "suffix is null");
    return this;
  }

  /** Every key put, in order, including the one that failed. */
  public synchronized List<String> puts() {
    return List.copyOf(puts);
  }

  @Override
  public StoredArtifact put(String key, InputStream content, long maxBytes) {
    synchronized (this) {
      puts.add(key);
      if (failNextPutOf != null && key.endsWith(failNextPutOf)) {
        failNextPutOf = null;
        throw new UncheckedIOException(
            new java.io.IOException("No space left on device (testing store) for " + key));
      }
    }
    return store.put(key, content, maxBytes);
  }

  @Override
  public InputStream open(String key) {
    return store.open(key);
  }

  @Override
  public Optional<StoredArtifact> stat(String key) {
    return store.stat(key);
  }

  @Override
  public boolean delete(String key) {
    return store.delete(key);
  }

  @Override
  public List<String> keysUnder(String folder) {
    return store.keysUnder(folder);
  }

  @Override
  public Optional<Path> localPath(String key) {
    return store.localPath(key);
  }
}
