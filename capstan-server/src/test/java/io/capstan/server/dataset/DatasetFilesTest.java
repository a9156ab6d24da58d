package io.capstan.server.dataset;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.server.artifact.ArtifactDownloads;
import io.capstan.server.artifact.LocalArtifactStore;
import io.capstan.server.artifact.StoredArtifact;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dataset version's files as its manifest lists them, for the pods' downloader (decision 119); a
 * store of local files gives no downloads at all.
 */
class DatasetFilesTest {
  private static final String SUM = "a".repeat(64);

  @TempDir Path root;

  @Test
  void aVersionsFolderIsKnownByItsManifestAndOtherFoldersAreNot() {
    LocalArtifactStore store = new LocalArtifactStore(root);
    String manifest =
        new DatasetManifest(List.of(new DatasetManifest.Entry("train/x.jpg", 10, SUM))).text();
    store.put(
        DatasetKeys.manifest("vision", "mini", 3),
        new ByteArrayInputStream(manifest.getBytes(UTF_8)),
        1000);
    DatasetFiles files = new DatasetFiles(store);

    assertThat(files.under(DatasetKeys.versionFolder("vision", "mini", 3)))
        .containsExactlyEntriesOf(
            java.util.Map.of(
                "train/x.jpg", new StoredArtifact("datasets/vision/mini/v3/train/x.jpg", 10, SUM)));
    assertThat(files.under(DatasetKeys.versionFolder("vision", "mini", 4))).isEmpty();
    assertThat(files.under("models/vision/churn")).isEmpty();
  }

  @Test
  void aStoreOfLocalFilesGivesNoDownloads() {
    LocalArtifactStore store = new LocalArtifactStore(root);
    store.put("datasets/vision/mini/v1/a.txt", new ByteArrayInputStream(new byte[] {1}), 10);
    store.put("models/vision/churn/1.onnx", new ByteArrayInputStream(new byte[] {1}), 10);
    ArtifactDownloads downloads = new ArtifactDownloads(store, List.of(new DatasetFiles(store)));

    assertThat(downloads.of("datasets/vision/mini/v1", Duration.ofHours(1))).isEmpty();
    assertThat(downloads.of("models/vision/churn/1.onnx", Duration.ofHours(1))).isEmpty();
  }
}
