package io.capstan.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.runtime.RuntimeSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The growth settings' defaults, an operator's values, and values refused by name. */
class ClusterGrowthSettingsTest {
  private static final String PREFIX = "capstan.runtime.kubernetes.";

  @Test
  void defaultsCoverTheCloudsSpotLabelsAndAtomicScaleUp() {
    ClusterGrowthSettings defaults =
        ClusterGrowthSettings.from(RuntimeSettings.of(PREFIX, Map.of()));

    assertThat(defaults).isEqualTo(ClusterGrowthSettings.defaults());
    assertThat(defaults.provisioningRequests()).isTrue();
    assertThat(defaults.provisioningClass()).isEqualTo(ClusterGrowthSettings.ATOMIC_SCALE_UP);
    assertThat(defaults.retryAfter()).isEqualTo(Duration.ofMinutes(5));
    assertThat(defaults.spot(Map.of("cloud.google.com/gke-spot", "true"))).isTrue();
    assertThat(defaults.spot(Map.of("eks.amazonaws.com/capacityType", "SPOT"))).isTrue();
    assertThat(defaults.spot(Map.of("karpenter.sh/capacity-type", "spot"))).isTrue();
    assertThat(defaults.spot(Map.of("kubernetes.azure.com/scalesetpriority", "spot"))).isTrue();
    assertThat(defaults.spot(Map.of("karpenter.sh/capacity-type", "on-demand"))).isFalse();
    assertThat(defaults.terminationTaints())
        .contains("ToBeDeletedByClusterAutoscaler", "cloud.google.com/impending-node-termination");
  }

  @Test
  void anOperatorsValuesAreRead() {
    ClusterGrowthSettings settings =
        ClusterGrowthSettings.from(
            RuntimeSettings.of(
                PREFIX,
                Map.of(
                    "spot-node-labels", "pool=cheap, tier=spot",
                    "termination-taints", "example.com/going",
                    "provisioning-requests", "false",
                    "provisioning-class", ClusterGrowthSettings.CHECK_CAPACITY,
                    "provisioning-retry", "30s")));

    assertThat(settings.spotLabels())
        .containsExactly(Map.entry("pool", "cheap"), Map.entry("tier", "spot"));
    assertThat(settings.terminationTaints()).containsExactly("example.com/going");
    assertThat(settings.provisioningRequests()).isFalse();
    assertThat(settings.provisioningClass()).isEqualTo(ClusterGrowthSettings.CHECK_CAPACITY);
    assertThat(settings.retryAfter()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void wrongValuesAreRefusedByName() {
    assertThatThrownBy(
            () ->
                ClusterGrowthSettings.from(
                    RuntimeSettings.of(PREFIX, Map.of("spot-node-labels", "cheap"))))
        .hasMessage(
            "Expected capstan.runtime.kubernetes.spot-node-labels to be labels key=value separated"
                + " by commas, but one was 'cheap'");
    assertThatThrownBy(
            () ->
                ClusterGrowthSettings.from(
                    RuntimeSettings.of(PREFIX, Map.of("provisioning-class", "fast"))))
        .hasMessageContaining("provisioning-class")
        .hasMessageContaining("but was 'fast'");
    assertThatThrownBy(
            () ->
                ClusterGrowthSettings.from(
                    RuntimeSettings.of(PREFIX, Map.of("provisioning-requests", "yes"))))
        .hasMessage(
            "Expected capstan.runtime.kubernetes.provisioning-requests to be true or false, but"
                + " was 'yes'");
  }
}
