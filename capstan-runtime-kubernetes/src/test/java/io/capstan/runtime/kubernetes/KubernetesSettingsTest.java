package io.capstan.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KubernetesSettingsTest {
  @Test
  void defaults() {
    KubernetesSettings settings = KubernetesSettings.defaults();

    assertThat(settings.namespacePrefix()).isEqualTo("capstan-");
    assertThat(settings.jobVolumeSize()).isEqualTo("10Gi");
    assertThat(settings.storageClass()).isNull();
    assertThat(settings.gpuResource()).isEqualTo("nvidia.com/gpu");
  }

  @Test
  void badValuesAreRefusedNamingTheSetting() {
    KubernetesSettings defaults = KubernetesSettings.defaults();

    assertThatThrownBy(() -> defaults.withNamespacePrefix("Capstan_"))
        .hasMessageContaining("capstan.runtime.kubernetes.namespace-prefix")
        .hasMessageContaining("'Capstan_'");
    assertThatThrownBy(() -> defaults.withStorageClass("fast", "lots"))
        .hasMessageContaining("capstan.runtime.kubernetes.job-volume-size")
        .hasMessageContaining("'lots'");
    assertThatThrownBy(() -> defaults.withStorageClass("Fast SSD", "1Gi"))
        .hasMessageContaining("capstan.runtime.kubernetes.storage-class");
    assertThatThrownBy(() -> new KubernetesSettings("", "1Gi", null, "gpu"))
        .hasMessageContaining("capstan.runtime.kubernetes.gpu-resource");
    assertThat(defaults.withNamespacePrefix("").namespacePrefix()).isEmpty();
  }
}
