package io.capstan.runtime.kubernetes;

import static io.capstan.runtime.testing.InMemoryProgram.program;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.capstan.api.job.Resources;
import io.capstan.runtime.Mount;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaLaunch;
import io.capstan.runtime.ReplicaPhase;
import io.capstan.runtime.VolumeFile;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading a job volume's claim through a reader pod (decision 121), against the mock API server and
 * the testing kubelet, whose exec runs the reader's {@code sh}, {@code find}, {@code stat} and
 * {@code cat} on a local folder that stands for the claim: links are listed and never followed, odd
 * names survive, bytes arrive unchanged, and one reader serves a list and its opens, then goes.
 */
class VolumeReadersTest {
  private static final String NAMESPACE = "capstan-vision";
  private static final String READER = "train-1-output-reader";

  @TempDir Path scratch;

  private TestingCluster cluster;
  private KubernetesRuntime runtime;
  private Path claim;

  @BeforeEach
  void start() {
    cluster = new TestingCluster().node("node-a", 8);
    runtime =
        new KubernetesRuntime(
            cluster.client(),
            new KubernetesRuntimeConfig(
                KubernetesSettings.defaults(),
                null,
                null,
                KubernetesRuntimeConfig.DEFAULT_RENDEZVOUS_PORT,
                scratch,
                Duration.ofMillis(50),
                "registry.example.com/tools/busybox:1.37",
                Duration.ofSeconds(2)),
            Clock.systemUTC());
    ReplicaId id = new ReplicaId("train-1", "worker-0");
    runtime.launch(
        ReplicaLaunch.builder(id)
            .image("registry.example.com/train:1")
            .command(program().writeFile("/capstan/output/model/weights.bin", "w").exit(0))
            .resources(Resources.NONE)
            .tenant("vision")
            .mount(Mount.volume("output", "/capstan/output"))
            .build());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> runtime.observe("train-1").stream().anyMatch(o -> o.phase().isFinished()));
    assertThat(runtime.observe("train-1").get(0).phase()).isEqualTo(ReplicaPhase.SUCCEEDED);
    claim = cluster.claimFolder(NAMESPACE, "train-1-output");
  }

  @AfterEach
  void stop() {
    runtime.close();
    cluster.close();
  }

  @Test
  void aSymbolicLinkIsListedButNeverFollowedAndOddNamesSurvive() throws IOException {
    Files.createDirectories(claim.resolve("sub"));
    Files.writeString(claim.resolve("sub/inner.txt"), "inner");
    Files.createSymbolicLink(claim.resolve("etc-link"), Path.of("/etc/hostname"));
    Files.createSymbolicLink(claim.resolve("dir-link"), Path.of("sub"));
    Files.writeString(claim.resolve("two\nlines and spaces.txt"), "odd");

    assertThat(runtime.volumes().list("train-1", "output"))
        .containsExactly(
            new VolumeFile("dir-link", 0, false),
            new VolumeFile("etc-link", 0, false),
            new VolumeFile("model/weights.bin", 1, true),
            new VolumeFile("sub/inner.txt", 5, true),
            new VolumeFile("two\nlines and spaces.txt", 3, true));
    assertThat(read("sub/inner.txt")).isEqualTo("inner");
    assertThatThrownBy(() -> runtime.volumes().open("train-1", "output", "etc-link"))
        .isInstanceOf(NoSuchElementException.class)
        .hasMessageContaining("symbolic link is never followed");
    assertThatThrownBy(() -> runtime.volumes().open("train-1", "output", "dir-link/inner.txt"))
        .isInstanceOf(NoSuchElementException.class);
    assertThatThrownBy(() -> runtime.volumes().open("train-1", "output", "sub"))
        .as("a directory")
        .isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void aFileArrivesByteForByte() throws IOException {
    byte[] bytes = new byte[3 << 20];
    new Random(7).nextBytes(bytes);
    Files.write(claim.resolve("model/checkpoint.pt"), bytes);

    try (InputStream in = runtime.volumes().open("train-1", "output", "model/checkpoint.pt")) {
      assertThat(in.readAllBytes()).isEqualTo(bytes);
    }
  }

  @Test
  void oneReadOnlyReaderServesAListAndItsOpensAndGoesWhenIdle() throws IOException {
    Files.writeString(claim.resolve("metrics.json"), "{}");

    List<VolumeFile> files = runtime.volumes().list("train-1", "output");
    Pod reader = cluster.admin().pods().inNamespace(NAMESPACE).withName(READER).get();
    for (VolumeFile file : files) {
      read(file.path());
    }

    assertThat(files)
        .extracting(VolumeFile::path)
        .containsExactly("metrics.json", "model/weights.bin");
    assertThat(readersCreated()).as("one reader for the list and both opens").isEqualTo(1);
    Container container = reader.getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("registry.example.com/tools/busybox:1.37");
    assertThat(container.getVolumeMounts().get(0).getReadOnly()).isTrue();
    assertThat(reader.getSpec().getVolumes().get(0).getPersistentVolumeClaim().getReadOnly())
        .isTrue();
    assertThat(reader.getSpec().getAutomountServiceAccountToken()).isFalse();
    assertThat(reader.getMetadata().getLabels())
        .containsEntry(VolumeReaderSpecs.READER_LABEL, "train-1-output")
        .doesNotContainKey(PodSpecs.JOB_UID_LABEL);
    assertThat(reader.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(owner -> assertThat(owner.getName()).isEqualTo("train-1-output"));
    assertThat(runtime.observe("train-1")).as("a reader is no replica").hasSize(1);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> cluster.admin().pods().inNamespace(NAMESPACE).withName(READER).get() == null);
    assertThat(read("metrics.json")).as("a new reader after the idle one went").isEqualTo("{}");
    assertThat(readersCreated()).isEqualTo(2);
  }

  @Test
  void anUpgradeTheApiServerDropsIsTriedAgainAndThreeDroppedNameTheReader() throws IOException {
    Files.writeString(claim.resolve("metrics.json"), "{}");

    cluster.dropExecs(2);
    assertThat(runtime.volumes().list("train-1", "output")).hasSize(2);
    cluster.dropExecs(2);
    assertThat(read("metrics.json")).isEqualTo("{}");

    cluster.dropExecs(3);
    assertThatThrownBy(() -> runtime.volumes().list("train-1", "output"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exec into volume reader " + NAMESPACE + "/" + READER)
        .hasMessageContaining("(3 tries)")
        .hasMessageContaining("400");
    assertThat(read("metrics.json")).as("the reader serves the next read").isEqualTo("{}");
  }

  @Test
  void deletingTheJobsVolumesDeletesItsReaderFirst() {
    assertThat(runtime.volumes().list("train-1", "output")).hasSize(1);
    assertThat(cluster.admin().pods().inNamespace(NAMESPACE).withName(READER).get()).isNotNull();

    runtime.release("train-1");
    runtime.volumes().delete("train-1");

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> cluster.admin().pods().inNamespace(NAMESPACE).withName(READER).get() == null);
    assertThat(runtime.volumes().list("train-1", "output")).isEmpty();
  }

  private long readersCreated() {
    return cluster.requests().stream()
        .filter(r -> r.method().equals("POST") && r.path().endsWith("/pods"))
        .filter(r -> r.body().contains(VolumeReaderSpecs.READER_LABEL))
        .count();
  }

  private String read(String path) throws IOException {
    try (InputStream in = runtime.volumes().open("train-1", "output", path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
