package io.capstan.server.artifact;

import static java.util.Objects.requireNonNull;

import io.capstan.runtime.ArtifactDownload;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Presigned downloads of artifacts and folders of artifacts (decision 119), for a runtime whose
 * replicas fetch them themselves: one URL per object, with the size and SHA-256 the store has for a
 * single artifact and what {@link KnownFiles} know (a dataset's manifest) for a folder's files.
 */
public final class ArtifactDownloads {
  private final ArtifactStore store;
  private final List<KnownFiles> known;

  public ArtifactDownloads(ArtifactStore store, List<KnownFiles> known) {
    this.store = requireNonNull(store, "store is null");
    this.known = List.copyOf(requireNonNull(known, "known is null"));
  }

  /**
   * The download of {@code key}: the artifact there, else every artifact under it; empty when the
   * store gives no URLs (local files).
   *
   * @throws NoSuchElementException when there is neither
   */
  public Optional<ArtifactDownload> of(String key, Duration ttl) {
    Optional<StoredArtifact> file = store.stat(key);
    if (file.isPresent()) {
      String name = key.substring(key.lastIndexOf('/') + 1);
      return store
          .presignedGet(key, ttl)
          .map(url -> new ArtifactDownload(false, List.of(file(name, url, file.get()))));
    }
    List<String> keys = store.keysUnder(key);
    if (keys.isEmpty()) {
      throw new NoSuchElementException("No artifact or folder of artifacts " + key);
    }
    Map<String, StoredArtifact> sums = new HashMap<>();
    known.forEach(k -> sums.putAll(k.under(key)));
    List<ArtifactDownload.File> files = new ArrayList<>();
    for (String each : keys.stream().sorted().toList()) {
      Optional<URI> url = store.presignedGet(each, ttl);
      if (url.isEmpty()) {
        return Optional.empty();
      }
      String path = each.substring(key.length() + 1);
      StoredArtifact sum = sums.get(path);
      files.add(
          sum == null
              ? new ArtifactDownload.File(path, url.get(), -1, null)
              : file(path, url.get(), sum));
    }
    return Optional.of(new ArtifactDownload(true, files));
  }

  private static ArtifactDownload.File file(String path, URI url, StoredArtifact stored) {
    return new ArtifactDownload.File(path, url, stored.sizeBytes(), stored.sha256());
  }
}
