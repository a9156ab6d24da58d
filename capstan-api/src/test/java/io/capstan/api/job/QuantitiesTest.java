package io.capstan.api.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QuantitiesTest {
  @Test
  void parsesKubernetesCpuAndMemoryQuantities() {
    assertThat(Quantities.parseCpu("2")).isEqualTo(2000);
    assertThat(Quantities.parseCpu("500m")).isEqualTo(500);
    assertThat(Quantities.parseCpu("0.5")).isEqualTo(500);
    assertThat(Quantities.parseMemory("512Mi")).isEqualTo(512L << 20);
    assertThat(Quantities.parseMemory("1G")).isEqualTo(1_000_000_000L);
    assertThat(Quantities.parseMemory("4Gi")).isEqualTo(4L << 30);
  }

  @Test
  void rejectsWhatIsNotAQuantityWithAnExample() {
    assertThatThrownBy(() -> Quantities.parseMemory("lots"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'512Mi'")
        .hasMessageContaining("'lots'");
  }

  @Test
  void formatsExactUnitsAndRoundsOddSizesToTheLargestUnit() {
    assertThat(Quantities.formatMemory(4L << 30)).isEqualTo("4Gi");
    assertThat(Quantities.formatMemory(1536L << 20)).isEqualTo("1536Mi");
    assertThat(Quantities.formatMemory(24684096L << 10)).isEqualTo("23.5Gi");
    assertThat(Quantities.formatCpu(1500)).isEqualTo("1500m");
    assertThat(new Resources(2000, 4L << 30, 1).toString()).isEqualTo("cpu=2 memory=4Gi gpu=1");
  }

  @Test
  void exitCodePolicyRestartsOnlyRetryableCodes() {
    assertThat(RestartPolicy.EXIT_CODE.restarts(137)).isTrue();
    assertThat(RestartPolicy.EXIT_CODE.restarts(1)).isFalse();
    assertThat(RestartPolicy.ON_FAILURE.restarts(1)).isTrue();
    assertThat(RestartPolicy.NEVER.restarts(137)).isFalse();
  }
}
