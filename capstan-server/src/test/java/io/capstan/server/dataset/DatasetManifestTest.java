package io.capstan.server.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A version's manifest: path order, the checksum of its text, read back as written. */
class DatasetManifestTest {
  private static final String A = "a".repeat(64);
  private static final String B = "b".repeat(64);

  @Test
  void entriesAreInPathOrderSoTheChecksumIgnoresUploadOrder() {
    DatasetManifest one =
        new DatasetManifest(
            List.of(
                new DatasetManifest.Entry("train/x.jpg", 10, A),
                new DatasetManifest.Entry("labels.txt", 3, B)));
    DatasetManifest other =
        new DatasetManifest(
            List.of(
                new DatasetManifest.Entry("labels.txt", 3, B),
                new DatasetManifest.Entry("train/x.jpg", 10, A)));

    assertThat(one.text()).isEqualTo(B + "\t3\tlabels.txt\n" + A + "\t10\ttrain/x.jpg\n");
    assertThat(one.sha256()).isEqualTo(other.sha256()).hasSize(64);
    assertThat(one.files()).isEqualTo(2);
    assertThat(one.sizeBytes()).isEqualTo(13);
  }

  @Test
  void aDifferentFileChangesTheChecksum() {
    DatasetManifest one = new DatasetManifest(List.of(new DatasetManifest.Entry("f", 1, A)));
    DatasetManifest content = new DatasetManifest(List.of(new DatasetManifest.Entry("f", 1, B)));
    DatasetManifest renamed = new DatasetManifest(List.of(new DatasetManifest.Entry("g", 1, A)));

    assertThat(one.sha256()).isNotEqualTo(content.sha256()).isNotEqualTo(renamed.sha256());
  }

  @Test
  void theTextReadsBackAsTheSameManifest() {
    DatasetManifest manifest =
        new DatasetManifest(
            List.of(
                new DatasetManifest.Entry("dir with space/ü.txt", 0, A),
                new DatasetManifest.Entry("z", 5, B)));

    assertThat(DatasetManifest.parse(manifest.text())).isEqualTo(manifest);
  }

  @Test
  void aPathTwiceOrWithATabIsRefused() {
    assertThatThrownBy(
            () ->
                new DatasetManifest(
                    List.of(
                        new DatasetManifest.Entry("f", 1, A),
                        new DatasetManifest.Entry("f", 2, B))))
        .hasMessageContaining("'f' is there twice");
    assertThatThrownBy(() -> new DatasetManifest.Entry("a\tb", 1, A))
        .hasMessageContaining("without tabs");
    assertThatThrownBy(() -> DatasetManifest.parse("nonsense\n"))
        .hasMessageContaining("manifest line 1");
  }
}
