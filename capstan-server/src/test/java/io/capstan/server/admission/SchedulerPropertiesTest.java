package io.capstan.server.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.scheduler.SchedulerConfig;
import io.capstan.scheduler.placement.BestFitPlacer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class SchedulerPropertiesTest {
  private static SchedulerProperties bind(Map<String, String> properties) {
    return new Binder(new MapConfigurationPropertySource(properties))
        .bindOrCreate("capstan.scheduler", SchedulerProperties.class);
  }

  @Test
  void withoutSettingsTheSchedulerRunsItsDefaults() {
    BestFitPlacer placer = new BestFitPlacer();
    assertThat(bind(Map.of()).config(placer)).isEqualTo(SchedulerConfig.defaults(placer));
  }

  @Test
  void settingsReachTheScheduler() {
    SchedulerConfig config =
        bind(Map.of(
                "capstan.scheduler.queue-depth", "2000",
                "capstan.scheduler.failed-searches-per-queue", "8",
                "capstan.scheduler.starvation-age", "30m",
                "capstan.scheduler.starvation-factor", "2.5",
                "capstan.scheduler.backfill", "false",
                "capstan.scheduler.max-preemptions-per-cycle", "0"))
            .config(new BestFitPlacer());
    assertThat(config.queueDepth()).isEqualTo(2000);
    assertThat(config.failedSearchesPerQueue()).isEqualTo(8);
    assertThat(config.starvationAge()).isEqualTo(Duration.ofMinutes(30));
    assertThat(config.starvationFactor()).isEqualTo(2.5);
    assertThat(config.backfill()).isFalse();
    assertThat(config.maxPreemptionsPerCycle()).isZero();
  }

  @Test
  void aBadValueNamesTheProperty() {
    assertThatThrownBy(() -> bind(Map.of("capstan.scheduler.queue-depth", "0")))
        .isInstanceOf(BindException.class)
        .rootCause()
        .hasMessage("Expected capstan.scheduler.queue-depth to be at least 1, but was 0");
    assertThatThrownBy(() -> bind(Map.of("capstan.scheduler.starvation-age", "-5m")))
        .rootCause()
        .hasMessageContaining("capstan.scheduler.starvation-age to be a positive duration");
  }
}
