package io.capstan.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SchedulerConfigTest {
  @Test
  void defaults() {
    TestingFirstFitPlacer placer = new TestingFirstFitPlacer();
    assertThat(SchedulerConfig.defaults(placer))
        .isEqualTo(new SchedulerConfig(placer, Duration.ofHours(1), true, 16))
        .isEqualTo(new SchedulerConfig(placer, Duration.ofHours(1), true, 16, 4))
        .isEqualTo(new SchedulerConfig(placer, Duration.ofHours(1), true, 16, 4, 500, 4));
  }

  @Test
  void rejectsNonsense() {
    TestingFirstFitPlacer placer = new TestingFirstFitPlacer();
    assertThatThrownBy(() -> new SchedulerConfig(placer, Duration.ZERO, true, 16))
        .hasMessage("Expected a positive starvation age, but was PT0S");
    assertThatThrownBy(() -> new SchedulerConfig(placer, Duration.ofHours(1), true, -1))
        .hasMessage("Expected a non-negative maxPreemptionsPerCycle, but was -1");
    assertThatThrownBy(() -> new SchedulerConfig(placer, Duration.ofHours(1), true, 16, -1))
        .hasMessage("Expected a finite non-negative starvationFactor, but was -1.0");
    assertThatThrownBy(() -> new SchedulerConfig(placer, Duration.ofHours(1), true, 16, Double.NaN))
        .hasMessage("Expected a finite non-negative starvationFactor, but was NaN");
    assertThatThrownBy(() -> new SchedulerConfig(placer, Duration.ofHours(1), true, 16, 4, 0, 4))
        .hasMessage("Expected a queueDepth of at least 1, but was 0");
    assertThatThrownBy(() -> new SchedulerConfig(placer, Duration.ofHours(1), true, 16, 4, 500, 0))
        .hasMessage("Expected failedSearchesPerQueue to be at least 1, but was 0");
  }
}
