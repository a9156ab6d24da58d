package io.capstan.server.dataset;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.capstan.server.artifact.ArtifactStore;
import io.capstan.server.artifact.KnownFiles;
import io.capstan.server.artifact.StoredArtifact;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files of a dataset version's folder as its manifest lists them, so that a pod's downloader
 * checks each file's size and SHA-256 (decision 119) at the cost of one read of the manifest.
 */
final class DatasetFiles implements KnownFiles {
  private static final Pattern VERSION_FOLDER =
      Pattern.compile("datasets/([^/]+)/([^/]+)/v([0-9]+)");

  private final ArtifactStore artifacts;

  DatasetFiles(ArtifactStore artifacts) {
    this.artifacts = requireNonNull(artifacts, "artifacts is null");
  }

  @Override
  public Map<String, StoredArtifact> under(String folder) {
    Matcher version = VERSION_FOLDER.matcher(folder);
    if (!version.matches()) {
      return Map.of();
    }
    String key =
        DatasetKeys.manifest(
            version.group(1), version.group(2), Integer.parseInt(version.group(3)));
    DatasetManifest manifest;
    try (InputStream in = artifacts.open(key)) {
      manifest = DatasetManifest.parse(new String(in.readAllBytes(), UTF_8));
    } catch (NoSuchElementException e) {
      return Map.of();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the manifest " + key, e);
    }
    Map<String, StoredArtifact> files = new HashMap<>();
    for (DatasetManifest.Entry entry : manifest.entries()) {
      files.put(
          entry.path(),
          new StoredArtifact(folder + "/" + entry.path(), entry.sizeBytes(), entry.sha256()));
    }
    return files;
  }
}
