package io.capstan.server.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** The artifact store's settings: local by default, an S3 store only when complete. */
class ArtifactsConfigTest {
  @Test
  void theDefaultIsTheLocalStore() {
    assertThat(ArtifactsConfig.defaults().store()).isEqualTo("local");
    assertThat(new ArtifactsConfig(" ", null).store()).isEqualTo("local");
  }

  @Test
  void anS3StoreNeedsEndpointBucketAndKeysAndDefaultsItsRegion() {
    ArtifactsConfig.S3 s3 =
        new ArtifactsConfig.S3(URI.create("http://127.0.0.1:7480"), "b", null, "ak", "sk", null);

    assertThat(new ArtifactsConfig("s3", s3).s3().region()).isEqualTo("us-east-1");
    assertThat(s3.toString()).doesNotContain("sk,").contains("secretKey=***");
    assertThatThrownBy(() -> new ArtifactsConfig("s3", null))
        .hasMessageContaining("capstan.artifacts.s3.endpoint");
    assertThatThrownBy(
            () ->
                new ArtifactsConfig(
                    "s3",
                    new ArtifactsConfig.S3(URI.create("http://h:1"), "b", null, "ak", null, null)))
        .hasMessageContaining("capstan.artifacts.s3.secret-key");
    assertThatThrownBy(
            () ->
                new ArtifactsConfig(
                    "s3", new ArtifactsConfig.S3(URI.create("ftp://h"), "b", null, "a", "s", null)))
        .hasMessageContaining("http(s) URL");
    assertThatThrownBy(() -> new ArtifactsConfig("gcs", null))
        .hasMessageContaining("'local' or 's3', but was 'gcs'");
  }
}
