package io.capstan.server.dataset;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.server.artifact.ArtifactKeys;
import io.capstan.server.artifact.ArtifactStore;
import io.capstan.server.artifact.ArtifactTooLargeException;
import io.capstan.server.artifact.PendingArtifact;
import io.capstan.server.artifact.StoredArtifact;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the files of one new dataset version into the artifact store, each under {@code
 * datasets/<project>/<name>/v<version>/<path>}, and at the end its manifest; {@link #abort} removes
 * what was written, so a failed or refused upload leaves no version behind. Files are read one
 * after another and stored with {@link ArtifactStore#putLater}, so an object store uploads several
 * while the next is read; the manifest is written only after every file arrived.
 */
final class DatasetWriter {
  private static final Logger log = LoggerFactory.getLogger(DatasetWriter.class);

  /**
   * Files read ahead of their upload: each waits in a spool file of its own, so this bounds the
   * local disk an upload holds beyond the store's {@code putLater} threads.
   */
  private static final int IN_FLIGHT = 8;

  private final ArtifactStore artifacts;
  private final String folder;
  private final String manifestKey;
  private final DatasetsConfig limits;
  private final String field;
  private final List<DatasetManifest.Entry> entries = new ArrayList<>();
  private final Set<String> paths = new HashSet<>();
  private final ArrayDeque<PendingArtifact> inFlight = new ArrayDeque<>();
  private long total;

  /**
   * @param field what the files came from, named in errors ({@code body}, {@code s3.uri})
   */
  DatasetWriter(
      ArtifactStore artifacts,
      String project,
      String name,
      int version,
      DatasetsConfig limits,
      String field) {
    this.artifacts = requireNonNull(artifacts, "artifacts is null");
    this.folder = DatasetKeys.versionFolder(project, name, version);
    this.manifestKey = DatasetKeys.manifest(project, name, version);
    this.limits = requireNonNull(limits, "limits is null");
    this.field = requireNonNull(field, "field is null");
  }

  /** Stores one file at {@code path} (relative, {@code /}-separated); does not close {@code in}. */
  void add(String path, InputStream in) {
    String key = key(path);
    if (!paths.add(path)) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          field,
          "Expected each file once in a dataset version, but '" + path + "' came twice");
    }
    long room = Math.min(limits.maxFileBytes(), limits.maxVersionBytes() - total);
    awaitOldestBeyond(IN_FLIGHT - 1);
    PendingArtifact pending;
    try {
      pending = artifacts.putLater(key, in, room);
    } catch (ArtifactTooLargeException e) {
      throw new CapstanException(
          ErrorCode.PAYLOAD_TOO_LARGE,
          field,
          "Expected files of at most "
              + limits.maxFileBytes()
              + " bytes and versions of at most "
              + limits.maxVersionBytes()
              + " bytes (capstan.datasets.*), but '"
              + path
              + "' passes the limit",
          e);
    }
    StoredArtifact stored = pending.artifact();
    inFlight.add(pending);
    total += stored.sizeBytes();
    entries.add(new DatasetManifest.Entry(path, stored.sizeBytes(), stored.sha256()));
  }

  /** Waits for the oldest uploads until at most {@code limit} are on their way. */
  private void awaitOldestBeyond(int limit) {
    while (inFlight.size() > limit) {
      inFlight.removeFirst().await();
    }
  }

  /** Stores the manifest; returns it. Refuses a version without files. */
  DatasetManifest finish() {
    if (entries.isEmpty()) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          field,
          "Expected at least one file in the dataset version, but " + field + " held none");
    }
    awaitOldestBeyond(0);
    DatasetManifest manifest = new DatasetManifest(entries);
    artifacts.put(
        manifestKey, new ByteArrayInputStream(manifest.text().getBytes(UTF_8)), Long.MAX_VALUE);
    return manifest;
  }

  /** Removes every file written so far, and the manifest, once their uploads have ended. */
  void abort() {
    for (PendingArtifact pending : inFlight) {
      try {
        pending.await();
      } catch (RuntimeException e) {
        log.debug("An upload of an aborted dataset version failed too", e);
      }
    }
    inFlight.clear();
    for (DatasetManifest.Entry entry : entries) {
      delete(folder + "/" + entry.path());
    }
    delete(manifestKey);
  }

  private void delete(String key) {
    try {
      artifacts.delete(key);
    } catch (RuntimeException e) {
      log.warn("Cannot delete {} of an aborted dataset version", key, e);
    }
  }

  private String key(String path) {
    String key = folder + "/" + path;
    try {
      return ArtifactKeys.check(key);
    } catch (IllegalArgumentException e) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          field,
          "Expected dataset file paths of at most "
              + (16 - 4)
              + " folders deep, each part letters, digits, '.', '_' and '-', but "
              + field
              + " has '"
              + path
              + "'",
          e);
    }
  }
}
