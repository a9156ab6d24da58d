package io.capstan.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.runtime.RuntimeContext;
import io.capstan.runtime.RuntimeSettings;
import io.capstan.runtime.WorkloadRuntime;
import io.capstan.runtime.WorkloadRuntimeProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code capstan.runtime.kind=kubernetes}: found by ServiceLoader, its settings checked by name.
 */
class KubernetesRuntimeProviderTest {
  @TempDir Path dataDir;

  private RuntimeContext context(Map<String, String> settings) {
    return new RuntimeContext(
        dataDir, dataDir, false, RuntimeSettings.of("capstan.runtime.kubernetes.", settings));
  }

  @Test
  void theProviderIsFoundByItsKind() {
    assertThat(ServiceLoader.load(WorkloadRuntimeProvider.class).stream())
        .extracting(provider -> provider.get().kind())
        .contains("kubernetes");
  }

  @Test
  void withoutSettingsTheDefaultsApply() {
    KubernetesRuntimeConfig config = KubernetesRuntimeConfig.from(context(Map.of()));

    assertThat(config.settings()).isEqualTo(KubernetesSettings.defaults());
    assertThat(config.kubeconfig()).isNull();
    assertThat(config.context()).isNull();
    assertThat(config.rendezvousPort()).isEqualTo(23456);
    assertThat(config.logDir()).isEqualTo(dataDir.resolve("runtime").resolve("kubernetes"));
    assertThat(config.volumeReaderImage()).isEqualTo("busybox:1.37");
    assertThat(config.volumeReaderIdle()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void theVolumeReadersImageAndIdleTimeAreSettings() {
    KubernetesRuntimeConfig config =
        KubernetesRuntimeConfig.from(
            context(
                Map.of(
                    "volume-reader-image", "mirror.example.com/busybox:1.37",
                    "volume-reader-idle", "2m")));

    assertThat(config.volumeReaderImage()).isEqualTo("mirror.example.com/busybox:1.37");
    assertThat(config.volumeReaderIdle()).isEqualTo(Duration.ofMinutes(2));
    assertThatThrownBy(
            () -> KubernetesRuntimeConfig.from(context(Map.of("volume-reader-idle", "soon"))))
        .hasMessageContaining("capstan.runtime.kubernetes.volume-reader-idle")
        .hasMessageContaining("'soon'");
    assertThatThrownBy(
            () -> KubernetesRuntimeConfig.from(context(Map.of("volume-reader-image", "a b"))))
        .hasMessageContaining("capstan.runtime.kubernetes.volume-reader-image");
  }

  @Test
  void badSettingsAreRefusedNamingTheProperty() {
    assertThatThrownBy(() -> KubernetesRuntimeConfig.from(context(Map.of("rendezvous-port", "x"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capstan.runtime.kubernetes.rendezvous-port")
        .hasMessageContaining("'x'");
    assertThatThrownBy(
            () -> KubernetesRuntimeConfig.from(context(Map.of("rendezvous-port", "70000"))))
        .hasMessageContaining("capstan.runtime.kubernetes.rendezvous-port")
        .hasMessageContaining("70000");
    assertThatThrownBy(
            () ->
                KubernetesRuntimeConfig.from(
                    context(Map.of("kubeconfig", dataDir.resolve("nope").toString()))))
        .hasMessageContaining("capstan.runtime.kubernetes.kubeconfig")
        .hasMessageContaining("no file");
    assertThatThrownBy(
            () -> KubernetesRuntimeConfig.from(context(Map.of("namespace-prefix", "Capstan_"))))
        .hasMessageContaining("capstan.runtime.kubernetes.namespace-prefix");
    assertThatThrownBy(
            () -> KubernetesRuntimeConfig.from(context(Map.of("storage-class", "Fast SSD"))))
        .hasMessageContaining("capstan.runtime.kubernetes.storage-class");
  }

  @Test
  void theRuntimeTalksToTheClusterItsKubeconfigNames() throws IOException {
    try (TestingCluster cluster = new TestingCluster().node("gpu-1", 8)) {
      Path kubeconfig = dataDir.resolve("kubeconfig");
      Files.writeString(
          kubeconfig,
          """
          apiVersion: v1
          kind: Config
          clusters:
          - name: mock
            cluster:
              server: %s
          users:
          - name: capstan
            user:
              token: secret
          contexts:
          - name: capstan@mock
            context:
              cluster: mock
              user: capstan
          current-context: other
          """
              .formatted(cluster.admin().getMasterUrl()));
      Map<String, String> settings =
          Map.of(
              "kubeconfig", kubeconfig.toString(),
              "context", "capstan@mock",
              "namespace-prefix", "team-");

      try (WorkloadRuntime runtime = new KubernetesRuntimeProvider().create(context(settings))) {
        assertThat(runtime.name()).isEqualTo("kubernetes");
        assertThat(runtime.nodes()).extracting(n -> n.name()).containsExactly("gpu-1");
      }
    }
  }
}
