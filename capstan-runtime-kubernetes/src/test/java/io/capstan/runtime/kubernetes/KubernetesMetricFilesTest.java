package io.capstan.runtime.kubernetes;

import static io.capstan.runtime.testing.InMemoryProgram.program;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.capstan.api.job.Resources;
import io.capstan.runtime.MetricFile;
import io.capstan.runtime.MetricFiles;
import io.capstan.runtime.Mount;
import io.capstan.runtime.MountSource;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaLaunch;
import io.capstan.runtime.ReplicaPhase;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicas' metric files on a cluster (decision 129), against the mock API server and the testing
 * kubelet: a replica that mounts a job volume gets its folder of the job's metrics claim at {@code
 * /capstan/metrics}, the variables that name it, and its Katib collector's folder there too; the
 * runtime lists and reads them through the claim's reader pod while the replica runs and after it
 * exited, never through a link; the Python helper is in {@code /capstan/python-lib}.
 */
class KubernetesMetricFilesTest {
  private static final String NAMESPACE = "capstan-vision";
  private static final ReplicaId WORKER = new ReplicaId("train-1", "worker-0");
  private static final String LINES =
      "{\"step\": 1, \"loss\": 0.5}\n{\"step\": 2, \"loss\": 0.25}\n";

  @TempDir Path scratch;

  private TestingCluster cluster;
  private KubernetesRuntime runtime;
  private MetricFiles files;

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
                Duration.ofSeconds(30)),
            Clock.systemUTC());
    files = runtime.metricFiles().orElseThrow();
  }

  @AfterEach
  void stop() {
    runtime.close();
    cluster.close();
  }

  @Test
  void aReplicasFilesAreReadWhileItRunsAndAfterItExitedNeverThroughALink() throws IOException {
    launch(
        WORKER,
        program()
            .writeFile("/capstan/metrics/capstan-metrics.jsonl", LINES)
            .writeFile("/capstan/metrics/tensorboard/run/events.out.tfevents.1.host", "events")
            .writeFile("/capstan/metrics/tensorboard/run/notes.txt", "not an event file")
            .writeFile("/var/log/katib/metrics.log", "accuracy=0.91\n")
            .run(),
        Mount.volume("output", "/capstan/output"),
        collector());
    awaitRunning();
    Path folder = cluster.claimFolder(NAMESPACE, "train-1-capstan-metrics").resolve("worker-0");
    Files.createSymbolicLink(
        folder.resolve("tensorboard/x.tfevents.link"), Path.of("/etc/hostname"));

    assertThat(files.list(WORKER))
        .containsExactly(
            new MetricFile("capstan-metrics.jsonl", MetricFile.Format.JSON_LINES, LINES.length()),
            new MetricFile("collector/metrics.log", MetricFile.Format.LINES, 14),
            new MetricFile(
                "tensorboard/run/events.out.tfevents.1.host", MetricFile.Format.TF_EVENTS, 6));
    assertThat(text(files.read(WORKER, "capstan-metrics.jsonl", 0, 1 << 20))).isEqualTo(LINES);
    assertThat(text(files.read(WORKER, "capstan-metrics.jsonl", 25, 5))).isEqualTo("{\"ste");
    assertThat(files.read(WORKER, "capstan-metrics.jsonl", LINES.length(), 100)).isEmpty();
    assertThat(text(files.read(WORKER, "collector/metrics.log", 0, 100)))
        .isEqualTo("accuracy=0.91\n");
    assertThatThrownBy(() -> files.read(WORKER, "tensorboard/x.tfevents.link", 0, 100))
        .isInstanceOf(NoSuchElementException.class);

    cluster.kubelet().exit(NAMESPACE, "train-1-worker-0", 0);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> runtime.observe("train-1").get(0).phase() == ReplicaPhase.SUCCEEDED);
    Files.writeString(
        folder.resolve("capstan-metrics.jsonl"),
        "{\"step\": 3}\n",
        java.nio.file.StandardOpenOption.APPEND);
    assertThat(text(files.read(WORKER, "capstan-metrics.jsonl", LINES.length(), 100)))
        .as("the last lines, after the replica exited")
        .isEqualTo("{\"step\": 3}\n");
  }

  @Test
  void theReplicaIsToldWhereItsFilesAreAndEachReplicaHasAFolderOfItsOwn() {
    ReplicaId master = new ReplicaId("train-1", "master-0");
    launch(
        master,
        program().writeFile("/capstan/metrics/capstan-metrics.jsonl", "{\"loss\": 1}\n").exit(0),
        Mount.volume("output", "/capstan/output"));
    runtime.launch(
        ReplicaLaunch.builder(WORKER)
            .image("registry.example.com/train:1")
            .command(program().exit(0))
            .env(Map.of("CAPSTAN_JOB_NAME", "train-1", "PYTHONPATH", "/opt/own"))
            .resources(Resources.NONE)
            .tenant("vision")
            .mount(Mount.volume("output", "/capstan/output"))
            .build());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> runtime.observe("train-1").stream().allMatch(o -> o.phase().isFinished()));

    Container container = container("train-1-master-0");
    assertThat(env(container))
        .containsEntry("CAPSTAN_METRICS_FILE", "/capstan/metrics/capstan-metrics.jsonl")
        .containsEntry("CAPSTAN_TENSORBOARD_DIR", "/capstan/metrics/tensorboard");
    assertThat(container.getVolumeMounts())
        .filteredOn(m -> m.getName().equals(KubernetesMetricFiles.VOLUME))
        .extracting(VolumeMount::getMountPath, VolumeMount::getSubPath)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("/capstan/metrics", "master-0"),
            org.assertj.core.groups.Tuple.tuple(
                "/capstan/metrics/tensorboard", "master-0/tensorboard"));
    assertThat(container.getVolumeMounts())
        .filteredOn(m -> m.getName().equals(KubernetesMetricFiles.PYTHON_LIBRARY))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getMountPath()).isEqualTo("/capstan/python-lib");
              assertThat(m.getReadOnly()).isTrue();
            });
    assertThat(env(container))
        .as("the image's own PYTHONPATH is not replaced")
        .doesNotContainKey("PYTHONPATH");
    assertThat(env(container("train-1-worker-0")))
        .as("a PYTHONPATH the job sets gets the helper's folder after it")
        .containsEntry("PYTHONPATH", "/opt/own:/capstan/python-lib");
    ConfigMap helper =
        cluster
            .admin()
            .configMaps()
            .inNamespace(NAMESPACE)
            .withName(KubernetesMetricFiles.PYTHON_LIBRARY)
            .get();
    assertThat(helper.getData().get("capstan_metrics.py")).contains("def report(");
    assertThat(files.list(master))
        .extracting(MetricFile::path)
        .containsExactly("capstan-metrics.jsonl");
    assertThat(files.list(WORKER)).as("the worker wrote none").isEmpty();
    assertThat(files.list(master)).hasSize(1);
    assertThat(cluster.requests())
        .as("the job's claim is fetched once, by name; never listed")
        .filteredOn(r -> r.path().contains("persistentvolumeclaims") && !r.method().equals("POST"))
        .singleElement()
        .satisfies(
            r -> assertThat(r.path()).endsWith("/persistentvolumeclaims/train-1-capstan-metrics"));
  }

  @Test
  void aLaunchWithoutJobVolumesGetsNoMetricFilesAndItsOwnVariablesStay() {
    ReplicaId server = new ReplicaId("serve-1", "server-0");
    runtime.launch(
        ReplicaLaunch.builder(server)
            .image("registry.example.com/serve:1")
            .command(program().exit(0))
            .env(Map.of("CAPSTAN_METRICS_FILE", "/tmp/mine.jsonl"))
            .resources(Resources.NONE)
            .tenant("vision")
            .build());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> runtime.observe("serve-1").stream().anyMatch(o -> o.phase().isFinished()));

    Container container = container("serve-1-server-0");
    assertThat(env(container))
        .containsEntry("CAPSTAN_METRICS_FILE", "/tmp/mine.jsonl")
        .doesNotContainKey("CAPSTAN_TENSORBOARD_DIR");
    assertThat(container.getVolumeMounts())
        .noneMatch(m -> m.getName().equals(KubernetesMetricFiles.VOLUME))
        .noneMatch(m -> m.getName().equals(KubernetesMetricFiles.PYTHON_LIBRARY));
    int before = cluster.requests().size();
    for (int pass = 0; pass < 3; pass++) {
      assertThat(files.list(server)).isEmpty();
    }
    List<TestingCluster.Request> sent = cluster.requests();
    assertThat(sent.subList(before, sent.size()))
        .as("a pass over a replica without metric files sends nothing")
        .noneMatch(r -> r.path().contains("persistentvolumeclaims") || r.path().contains("/exec"));
    assertThat(files.readEvery()).isEqualTo(Duration.ofSeconds(15));
  }

  private void launch(ReplicaId id, List<String> command, Mount... mounts) {
    runtime.launch(
        ReplicaLaunch.builder(id)
            .image("registry.example.com/train:1")
            .command(command)
            .env(Map.of("CAPSTAN_JOB_NAME", "train-1"))
            .resources(Resources.NONE)
            .tenant("vision")
            .mounts(List.of(mounts))
            .build());
  }

  private static Mount collector() {
    return new Mount(
        new MountSource.Scratch(MetricFiles.COLLECTOR_VOLUME, null), "/var/log/katib", false);
  }

  private void awaitRunning() {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                runtime.observe("train-1").stream()
                    .anyMatch(o -> o.phase() == ReplicaPhase.RUNNING));
  }

  private Container container(String pod) {
    Pod found = cluster.admin().pods().inNamespace(NAMESPACE).withName(pod).get();
    return found.getSpec().getContainers().get(0);
  }

  private static Map<String, String> env(Container container) {
    return container.getEnv().stream()
        .filter(v -> v.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
