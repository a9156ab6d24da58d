package io.capstan.server.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Dataset limits: 64 GiB a file, 1 TiB a version, no foreign S3 endpoint unless listed. */
class DatasetsConfigTest {
  @Test
  void defaults() {
    DatasetsConfig config = DatasetsConfig.defaults();

    assertThat(config.maxFileBytes()).isEqualTo(64L << 30);
    assertThat(config.maxVersionBytes()).isEqualTo(1L << 40);
    assertThat(config.allowedS3Endpoints()).isEmpty();
  }

  @Test
  void limitsMustBePositive() {
    assertThatThrownBy(() -> new DatasetsConfig(0L, null, null))
        .hasMessageContaining("capstan.datasets.max-file-bytes");
  }
}
