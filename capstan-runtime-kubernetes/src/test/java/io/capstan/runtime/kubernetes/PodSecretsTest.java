package io.capstan.runtime.kubernetes;

import static io.capstan.runtime.testing.InMemoryProgram.program;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.api.job.Resources;
import io.capstan.runtime.ArtifactDownload;
import io.capstan.runtime.ArtifactReader;
import io.capstan.runtime.LogChunk;
import io.capstan.runtime.Mount;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaLaunch;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.runtime.ReplicaPhase;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Secrets a pod gets for what must not be in its spec (decisions 119 and 120), on the mock API
 * server: a secret variable reaches the container by {@code secretKeyRef}, an artifact's download
 * list reaches the init container only, and a release deletes both.
 */
class PodSecretsTest {
  private static final String NAMESPACE = "capstan-vision";

  @TempDir Path scratch;

  private TestingCluster cluster;
  private KubernetesRuntime runtime;

  /** A store whose one URL refuses connections: the init container fails, the Secret stays. */
  private final ArtifactReader store =
      new ArtifactReader() {
        @Override
        public InputStream open(String key) {
          throw new NoSuchElementException(key);
        }

        @Override
        public Optional<ArtifactDownload> download(String key, Duration ttl) {
          return Optional.of(
              new ArtifactDownload(
                  true,
                  List.of(
                      new ArtifactDownload.File(
                          "a.txt",
                          URI.create("http://127.0.0.1:1/capstan/" + key + "?X-Amz-Signature=x"),
                          -1,
                          null))));
        }
      };

  @BeforeEach
  void start() {
    cluster = new TestingCluster().node("node-a", 8);
    runtime =
        new KubernetesRuntime(
            cluster.client(),
            KubernetesRuntimeConfig.defaults(scratch)
                .withArtifacts(new ArtifactSettings("capstan/capstan:test", Duration.ofHours(1))),
            store,
            Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    runtime.close();
    cluster.close();
  }

  @Test
  void aSecretVariableComesFromASecretOfThePodAndIsGoneWithTheJob() {
    ReplicaLaunch launch =
        ReplicaLaunch.builder(new ReplicaId("nb-lab-1", "worker-0"))
            .image("jupyter/base")
            .command(program().printEnv("NOTEBOOK_TOKEN").exit(0))
            .resources(Resources.NONE)
            .tenant("vision")
            .env("HOME", "/capstan/workspace")
            .secretEnv("NOTEBOOK_TOKEN", "t0ps3cret")
            .build();

    runtime.launch(launch);

    awaitPhase(launch.id(), ReplicaPhase.SUCCEEDED);
    assertThat(log(launch.id(), "t0ps3cret")).endsWith("\nt0ps3cret\n");
    Pod pod = cluster.admin().pods().inNamespace(NAMESPACE).withName("nb-lab-1-worker-0").get();
    EnvVar token =
        pod.getSpec().getContainers().get(0).getEnv().stream()
            .filter(v -> v.getName().equals("NOTEBOOK_TOKEN"))
            .findFirst()
            .orElseThrow();
    assertThat(token.getValue()).isNull();
    assertThat(token.getValueFrom().getSecretKeyRef().getName()).isEqualTo("nb-lab-1-worker-0-env");
    assertThat(pod.toString()).doesNotContain("t0ps3cret");
    assertThat(secrets()).containsExactly("nb-lab-1-worker-0-env");

    runtime.release("nb-lab-1");

    await().atMost(Duration.ofSeconds(30)).until(() -> secrets().isEmpty());
  }

  @Test
  void anArtifactThatCannotBeDownloadedFailsThePodAndItsListIsGoneWithTheJob() {
    ReplicaLaunch launch =
        ReplicaLaunch.builder(new ReplicaId("train-1", "worker-0"))
            .image("pytorch/pytorch")
            .command(program().printFile("/data/a.txt").exit(0))
            .resources(Resources.NONE)
            .tenant("vision")
            .mount(Mount.artifact("datasets/vision/mini/v1", "/data"))
            .build();

    runtime.launch(launch);

    ReplicaObservation failed = awaitPhase(launch.id(), ReplicaPhase.FAILED);
    assertThat(log(launch.id(), "storage-initializer: ")).contains("'a.txt'");
    assertThat(failed.phase()).isEqualTo(ReplicaPhase.FAILED);
    assertThat(secrets()).containsExactly("train-1-worker-0-artifacts");

    runtime.release("train-1");

    await().atMost(Duration.ofSeconds(30)).until(() -> secrets().isEmpty());
  }

  private List<String> secrets() {
    return cluster.admin().secrets().inNamespace(NAMESPACE).list().getItems().stream()
        .map((Secret s) -> s.getMetadata().getName())
        .toList();
  }

  /** The replica's log once it holds {@code expected}. */
  private String log(ReplicaId id, String expected) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                runtime
                    .logs()
                    .read(id, 1, 0, 64 * 1024)
                    .map(LogChunk::bytes)
                    .map(b -> new String(b, UTF_8))
                    .orElse(""),
            text -> text.contains(expected));
  }

  private ReplicaObservation awaitPhase(ReplicaId id, ReplicaPhase phase) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                runtime.observe(id.jobUid()).stream()
                    .filter(o -> o.id().equals(id))
                    .findFirst()
                    .orElse(null),
            o -> o != null && o.phase() == phase);
  }
}
