package io.capstan.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.runtime.ArtifactReader;
import io.capstan.runtime.Mount;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.VolumeFile;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalVolumesTest {
  @TempDir Path scratch;

  private final ReplicaId id = new ReplicaId("job-1", "worker-0");

  @Test
  void anArtifactWithALocalFileIsBoundWhereItIsAndOneWithoutIsCopiedOnce() throws Exception {
    Path stored = Files.writeString(scratch.resolve("stored.onnx"), "local");
    int[] opened = {0};
    ArtifactReader reader =
        new ArtifactReader() {
          @Override
          public InputStream open(String key) {
            opened[0]++;
            return new ByteArrayInputStream("remote".getBytes(StandardCharsets.UTF_8));
          }

          @Override
          public Optional<Path> localFile(String key) {
            return key.equals("models/local") ? Optional.of(stored) : Optional.empty();
          }
        };
    LocalVolumes volumes = new LocalVolumes(scratch.resolve("volumes"), reader);

    Mount local = volumes.resolve(id, Mount.artifact("models/local", "/capstan/model/a"));
    Mount remote = volumes.resolve(id, Mount.artifact("models/remote", "/capstan/model/b"));
    volumes.resolve(id, Mount.artifact("models/remote", "/capstan/model/b"));

    assertThat(local.hostPath()).isEqualTo(stored);
    assertThat(local.readOnly()).isTrue();
    assertThat(remote.hostPath()).hasContent("remote");
    assertThat(remote.hostPath()).startsWithRaw(scratch.resolve("volumes").resolve("job-1"));
    assertThat(opened[0]).isEqualTo(1);
    volumes.delete("job-1");
    assertThat(remote.hostPath()).doesNotExist();
  }

  @Test
  void aLinkIsListedButNeverFollowed() throws Exception {
    LocalVolumes volumes = new LocalVolumes(scratch.resolve("volumes"), ArtifactReader.NONE);
    Path output = volumes.resolve(id, Mount.volume("output", "/capstan/output")).hostPath();
    Files.writeString(output.resolve("model.onnx"), "onnx");
    Files.createSymbolicLink(output.resolve("escape"), Path.of("/etc/hostname"));
    Files.createDirectories(output.resolve("dir"));
    Files.createSymbolicLink(output.resolve("up"), Path.of("/etc"));

    assertThat(volumes.list("job-1", "output"))
        .containsExactly(
            new VolumeFile("escape", 0, false),
            new VolumeFile("model.onnx", 4, true),
            new VolumeFile("up", 0, false));
    assertThatThrownBy(() -> volumes.open("job-1", "output", "escape"))
        .isInstanceOf(NoSuchElementException.class);
    assertThatThrownBy(() -> volumes.open("job-1", "output", "up/hostname"))
        .isInstanceOf(NoSuchElementException.class);
    assertThatThrownBy(() -> volumes.list("../job-1", "output"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(volumes.workDir(id)).startsWithRaw(scratch.resolve("volumes").resolve("job-1"));
  }
}
