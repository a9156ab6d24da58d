package io.capstan.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MountTest {
  @Test
  void aVolumeMountIsWritableAndNamesItsVolume() {
    Mount mount = Mount.volume("checkpoints", "/capstan/checkpoints");

    assertThat(mount.readOnly()).isFalse();
    assertThat(mount.source()).isEqualTo(new MountSource.JobVolume("checkpoints"));
    assertThatThrownBy(mount::hostPath)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("/capstan/checkpoints");
  }

  @Test
  void aVolumeNameIsADnsLabel() {
    assertThatThrownBy(() -> Mount.volume("Out_put", "/capstan/output"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'Out_put'");
    assertThatThrownBy(() -> Mount.volume("a".repeat(64), "/capstan/output"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anArtifactMountIsReadOnlyAndItsKeyStaysRelative() {
    assertThat(Mount.artifact("models/m/1.onnx", "/capstan/model/model.onnx").readOnly()).isTrue();
    assertThatThrownBy(
            () -> new Mount(new MountSource.Artifact("models/m/1.onnx"), "/capstan/model", false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("read-only");
    for (String key : new String[] {"/etc/passwd", "models/../x", "models//x", "", "a\\b"}) {
      assertThatThrownBy(() -> Mount.artifact(key, "/capstan/model"))
          .as(key)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void aHostPathMountKeepsItsPath() {
    assertThat(Mount.readOnly(Path.of("/opt/code"), "/code").hostPath())
        .isEqualTo(Path.of("/opt/code"));
    assertThatThrownBy(() -> Mount.readOnly(Path.of("relative"), "/code"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("absolute");
  }

  @Test
  void volumePathsAreRelativeAndNeverEscape() {
    assertThat(JobVolumes.checkPath("a/b.onnx")).isEqualTo("a/b.onnx");
    assertThatThrownBy(() -> JobVolumes.checkPath("../x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JobVolumes.checkVolume("job", "OUT"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
