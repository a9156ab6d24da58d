package io.capstan.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.runtime.ArtifactReader;
import io.capstan.runtime.Mount;
import io.capstan.runtime.MountSource;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.VolumeFile;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
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

  @Test
  void projectVolumesAreTheProjectsOwnAndOutliveTheJob() throws Exception {
    LocalVolumes volumes =
        new LocalVolumes(
            scratch.resolve("volumes"), scratch.resolve("projects"), ArtifactReader.NONE, true);
    Mount claim = new Mount(new MountSource.ProjectVolume("datasets", null), "/data", false);

    Path vision = volumes.resolve(id, "vision", claim, 0).hostPath();
    Files.writeString(vision.resolve("shared.txt"), "kept");
    volumes.delete("job-1");

    ReplicaId next = new ReplicaId("job-2", "worker-0");
    assertThat(volumes.resolve(next, "vision", claim, 0).hostPath().resolve("shared.txt"))
        .hasContent("kept");
    assertThat(volumes.resolve(next, "speech", claim, 0).hostPath()).isEmptyDirectory();
    Mount sub = new Mount(new MountSource.ProjectVolume("datasets", "v2/train"), "/train", true);
    assertThat(volumes.resolve(next, "vision", sub, 0).hostPath())
        .isEqualTo(vision.resolve("v2/train"))
        .isDirectory();
    assertThatThrownBy(() -> volumes.resolve(next, "..", claim, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void scratchIsTheReplicasOwnAndMemoryIsScratchWithoutASandbox() throws Exception {
    LocalVolumes volumes =
        new LocalVolumes(
            scratch.resolve("volumes"), scratch.resolve("projects"), ArtifactReader.NONE, false);
    Mount tmp = new Mount(new MountSource.Scratch("tmp", null), "/scratch", false);
    Mount shm = new Mount(new MountSource.Memory(1L << 20), "/dev/shm", false);

    Path mine = volumes.resolve(id, "vision", tmp, 0).hostPath();
    Path peer = volumes.resolve(new ReplicaId("job-1", "worker-1"), "vision", tmp, 0).hostPath();
    Path memory = volumes.resolve(id, "vision", shm, 1).hostPath();

    assertThat(mine).isDirectory().isNotEqualTo(peer);
    assertThat(memory).isDirectory().isNotEqualTo(mine);
    assertThat(
            new LocalVolumes(
                    scratch.resolve("volumes"),
                    scratch.resolve("projects"),
                    ArtifactReader.NONE,
                    true)
                .resolve(id, "vision", shm, 1))
        .as("a sandbox mounts a tmpfs")
        .isEqualTo(shm);
  }

  @Test
  void filesAreWrittenAfreshAtEveryLaunchWithTheirMode() throws Exception {
    LocalVolumes volumes = new LocalVolumes(scratch.resolve("volumes"), ArtifactReader.NONE);
    Mount first =
        new Mount(
            new MountSource.Files(
                Map.of("token", bytes("s3cr3t"), "conf/a.yaml", bytes("a: 1")), 0440),
            "/etc/creds",
            true);
    Mount second =
        new Mount(
            new MountSource.Files(Map.of("token", bytes("rotated")), 0400), "/etc/creds", true);

    Path folder = volumes.resolve(id, "vision", first, 3).hostPath();
    assertThat(folder.resolve("conf/a.yaml")).hasContent("a: 1");
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve("token"))))
        .isEqualTo("r--r-----");
    assertThat(volumes.resolve(id, "vision", second, 3).hostPath()).isEqualTo(folder);
    assertThat(folder.resolve("token")).hasContent("rotated");
    assertThat(folder.resolve("conf")).doesNotExist();
    assertThat(first.source().toString()).doesNotContain("s3cr3t").contains("token");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aNodePathIsCheckedAsItsTypeSaysAndMadeWhenMissing() {
    LocalVolumes volumes = new LocalVolumes(scratch.resolve("volumes"), ArtifactReader.NONE);
    String missing = scratch.resolve("missing").toString();

    assertThatThrownBy(
            () ->
                volumes.resolve(
                    id,
                    "vision",
                    new Mount(new MountSource.NodePath(missing, "Directory"), "/in", true),
                    0))
        .hasMessageContaining("to be a Directory, but it is not");
    Mount made =
        volumes.resolve(
            id,
            "vision",
            new Mount(new MountSource.NodePath(missing, "DirectoryOrCreate"), "/in", true),
            0);

    assertThat(made.hostPath()).isEqualTo(Path.of(missing)).isDirectory();
  }
}
