package io.capstan.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The download list a pod's storage initializer reads (decision 119): written and read back. */
class ArtifactDownloadTest {
  private static final String SUM = "0123456789abcdef".repeat(4);

  @Test
  void theTextReadsBackAsWritten() {
    ArtifactDownload download =
        new ArtifactDownload(
            true,
            List.of(
                new ArtifactDownload.File(
                    "train/a b.jpg", URI.create("http://rgw:7480/b/k?X-Amz-Signature=1"), 12, SUM),
                new ArtifactDownload.File("labels.txt", URI.create("https://s3/b/l"), -1, null)));

    assertThat(ArtifactDownload.parse(download.text())).isEqualTo(download);
    assertThat(download.text()).startsWith("folder\n" + SUM + "\t12\ttrain/a b.jpg\thttp://");
    assertThat(download.toString()).doesNotContain("Signature");
    assertThat(download.files().get(0).toString())
        .doesNotContain("Signature")
        .contains("http://rgw:7480/b/k");
  }

  @Test
  void whatCannotBeDownloadedIsRefusedByName() {
    assertThatThrownBy(
            () -> new ArtifactDownload.File("../etc/passwd", URI.create("http://rgw/b/k"), 1, null))
        .hasMessageContaining("a downloaded file's path");
    assertThatThrownBy(
            () -> new ArtifactDownload.File("a", URI.create("file:///etc/passwd"), 1, null))
        .hasMessageContaining("Expected an http(s) URL for 'a'");
    assertThatThrownBy(() -> ArtifactDownload.parse("folder\nnot a line\n"))
        .hasMessageContaining("line 2 of a download list");
    assertThatThrownBy(() -> ArtifactDownload.parse("nonsense\n"))
        .hasMessageContaining("start with a line 'folder' or 'file'");
    assertThatThrownBy(() -> new ArtifactDownload(false, List.of()))
        .hasMessageContaining("one file in the download of a file artifact");
  }
}
