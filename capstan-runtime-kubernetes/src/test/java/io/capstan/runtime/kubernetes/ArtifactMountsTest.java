package io.capstan.runtime.kubernetes;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.job.Resources;
import io.capstan.runtime.ArtifactDownload;
import io.capstan.runtime.ArtifactReader;
import io.capstan.runtime.Mount;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaLaunch;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Artifact mounts as pods get them (decision 119): an {@code emptyDir} and an init container of the
 * agent image per mount, the download lists in a Secret that only the init containers mount, the
 * replica's container mounting the {@code emptyDir} read-only; refusals that name the mount.
 */
class ArtifactMountsTest {
  private static final String AGENT = "registry.example.com/capstan/capstan:1.4.0";
  private static final String SIGNED = "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=f00d";

  /** The lifetimes the runtime asked the store for. */
  private final List<Duration> asked = new ArrayList<>();

  /** A store of presigned URLs: a model file and a dataset version's folder. */
  private final ArtifactReader store =
      new ArtifactReader() {
        @Override
        public InputStream open(String key) {
          throw new NoSuchElementException("Not read by this runtime: " + key);
        }

        @Override
        public Optional<ArtifactDownload> download(String key, Duration ttl) {
          asked.add(ttl);
          return switch (key) {
            case "models/vision/churn/3.onnx" ->
                Optional.of(new ArtifactDownload(false, List.of(file("3.onnx", key))));
            case "datasets/vision/mini/v2" ->
                Optional.of(
                    new ArtifactDownload(
                        true,
                        List.of(file("labels.csv", key + "/labels.csv"), file("a/b.bin", key))));
            default -> throw new NoSuchElementException("No artifact " + key);
          };
        }
      };

  private final PodSpecs specs =
      new PodSpecs(
          KubernetesSettings.defaults(), store, new ArtifactSettings(AGENT, Duration.ofHours(6)));

  @Test
  void aJobsDatasetIsDownloadedByAnInitContainerIntoAnEmptyDirMountedReadOnly() {
    ReplicaObjects objects =
        specs.objects(
            job().mount(Mount.artifact("datasets/vision/mini/v2", "/datasets/mini")).build());
    Pod pod = objects.pod();

    Map<String, Volume> volumes = byName(pod.getSpec().getVolumes());
    assertThat(volumes.get("artifact-0").getEmptyDir()).isNotNull();
    assertThat(volumes.get("capstan-artifact-urls").getSecret().getSecretName())
        .isEqualTo("mnist-1a2b-worker-0-artifacts");
    assertThat(volumes.get("capstan-artifact-urls").getSecret().getDefaultMode()).isEqualTo(0400);

    Container init = pod.getSpec().getInitContainers().get(0);
    assertThat(init.getName()).isEqualTo("artifact-0");
    assertThat(init.getImage()).isEqualTo(AGENT);
    assertThat(init.getCommand()).isEmpty();
    assertThat(init.getArgs())
        .containsExactly(
            "storage-initializer", "/capstan/artifact-urls/artifact-0.tsv", "/capstan/artifact");
    assertThat(init.getVolumeMounts())
        .extracting(m -> m.getName() + " " + m.getMountPath() + " " + m.getReadOnly())
        .containsExactly(
            "capstan-artifact-urls /capstan/artifact-urls true",
            "artifact-0 /capstan/artifact null");
    assertThat(init.getEnv()).isEmpty();
    assertThat(init.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(init.getSecurityContext().getRunAsNonRoot()).isTrue();

    Container replica = pod.getSpec().getContainers().get(0);
    assertThat(replica.getVolumeMounts())
        .extracting(m -> m.getName() + " " + m.getMountPath() + " " + m.getReadOnly())
        .containsExactly("artifact-0 /datasets/mini true");
    assertThat(replica.getVolumeMounts().get(0).getSubPath()).isNull();
    assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();

    Secret secret = objects.secrets().get(0);
    assertThat(secret.getMetadata().getName()).isEqualTo("mnist-1a2b-worker-0-artifacts");
    assertThat(secret.getMetadata().getNamespace()).isEqualTo("capstan-vision");
    assertThat(secret.getMetadata().getLabels())
        .containsAllEntriesOf(pod.getMetadata().getLabels());
    ArtifactDownload list = ArtifactDownload.parse(decoded(secret, "artifact-0.tsv"));
    assertThat(list.folder()).isTrue();
    assertThat(list.files())
        .extracting(ArtifactDownload.File::path)
        .containsExactly("labels.csv", "a/b.bin");
    assertThat(asked).containsExactly(Duration.ofHours(6));
  }

  @Test
  void aModelServersModelIsOneFileMountedByItsNameAsASubPath() {
    ReplicaObjects objects =
        specs.objects(
            ReplicaLaunch.builder(new ReplicaId("churn-9f", "server-0"))
                .image("capstan/model-server")
                .resources(Resources.NONE)
                .tenant("vision")
                .port("http", 8080)
                .mount(Mount.artifact("models/vision/churn/3.onnx", "/capstan/model/model.onnx"))
                .build());

    VolumeMount model = objects.pod().getSpec().getContainers().get(0).getVolumeMounts().get(0);
    assertThat(model.getName()).isEqualTo("artifact-0");
    assertThat(model.getMountPath()).isEqualTo("/capstan/model/model.onnx");
    assertThat(model.getSubPath()).isEqualTo("3.onnx");
    assertThat(model.getReadOnly()).isTrue();
    assertThat(ArtifactDownload.parse(decoded(objects.secrets().get(0), "artifact-0.tsv")).folder())
        .isFalse();
  }

  @Test
  void nothingTheReplicaSeesHoldsAUrlOrACredential() {
    ReplicaObjects objects =
        specs.objects(
            job()
                .mount(Mount.artifact("datasets/vision/mini/v2", "/datasets/mini"))
                .mount(Mount.artifact("models/vision/churn/3.onnx", "/models/churn.onnx"))
                .build());
    Pod pod = objects.pod();

    assertThat(pod.getSpec().getInitContainers())
        .extracting(Container::getName)
        .containsExactly("artifact-0", "artifact-1");
    Container replica = pod.getSpec().getContainers().get(0);
    assertThat(replica.getVolumeMounts())
        .extracting(VolumeMount::getName)
        .containsExactly("artifact-0", "artifact-1");
    assertThat(replica.getEnv()).extracting(EnvVar::getValueFrom).allMatch(from -> from == null);
    assertThat(replica.getEnvFrom()).isEmpty();
    // The signatures are in the Secret only, never in the pod's own spec.
    assertThat(pod.toString()).doesNotContain("X-Amz-Signature").doesNotContain("rgw.example");
    assertThat(objects.secrets()).hasSize(1);
    assertThat(decoded(objects.secrets().get(0), "artifact-1.tsv")).contains("X-Amz-Signature");
  }

  @Test
  void withoutAnAgentImageAnArtifactIsRefusedNamingTheSetting() {
    PodSpecs unset =
        new PodSpecs(KubernetesSettings.defaults(), store, ArtifactSettings.defaults());

    assertThatThrownBy(
            () ->
                unset.objects(
                    job()
                        .mount(Mount.artifact("datasets/vision/mini/v2", "/datasets/mini"))
                        .build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capstan.runtime.kubernetes.agent-image")
        .hasMessageContaining("'/datasets/mini'")
        .hasMessageContaining("artifact 'datasets/vision/mini/v2'");
  }

  @Test
  void aStoreOfLocalFilesIsRefusedNamingTheMountAndWhy() {
    ArtifactReader local =
        key -> {
          throw new NoSuchElementException(key);
        };
    PodSpecs onLocalFiles =
        new PodSpecs(
            KubernetesSettings.defaults(), local, new ArtifactSettings(AGENT, Duration.ofHours(1)));

    assertThatThrownBy(
            () ->
                onLocalFiles.objects(
                    job()
                        .mount(Mount.artifact("datasets/vision/mini/v2", "/datasets/mini"))
                        .build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'/datasets/mini' of replica mnist-1a2b.worker-0")
        .hasMessageContaining("artifact 'datasets/vision/mini/v2'")
        .hasMessageContaining("its own disk")
        .hasMessageContaining("capstan.artifacts.store=s3");
  }

  @Test
  void aMissingArtifactIsRefusedNamingIt() {
    assertThatThrownBy(
            () -> specs.objects(job().mount(Mount.artifact("datasets/gone/v1", "/data")).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Expected artifact 'datasets/gone/v1' of the mount at '/data'");
  }

  @Test
  void theUrlLifetimeIsReadFromItsSetting() {
    assertThat(ArtifactSettings.lifetime("12h")).isEqualTo(Duration.ofHours(12));
    assertThat(ArtifactSettings.lifetime("PT30M")).isEqualTo(Duration.ofMinutes(30));
    assertThat(ArtifactSettings.defaults().urlLifetime()).isEqualTo(Duration.ofHours(12));
    assertThatThrownBy(() -> new ArtifactSettings(AGENT, Duration.ofDays(8)))
        .hasMessageContaining("artifact-url-lifetime between 1s and 7d");
    assertThatThrownBy(() -> ArtifactSettings.lifetime("soon"))
        .hasMessageContaining("artifact-url-lifetime as 12h");
  }

  private static ReplicaLaunch.Builder job() {
    return ReplicaLaunch.builder(new ReplicaId("mnist-1a2b", "worker-0"))
        .image("pytorch/pytorch:2.3.0")
        .command("python", "train.py")
        .resources(Resources.NONE)
        .tenant("vision");
  }

  private static ArtifactDownload.File file(String path, String key) {
    return new ArtifactDownload.File(
        path, URI.create("http://rgw.example:7480/capstan/" + key + SIGNED), 5, null);
  }

  private static Map<String, Volume> byName(List<Volume> volumes) {
    return volumes.stream().collect(Collectors.toMap(Volume::getName, v -> v));
  }

  private static String decoded(Secret secret, String key) {
    return new String(Base64.getDecoder().decode(secret.getData().get(key)), UTF_8);
  }
}
