package io.capstan.server.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Scaling on in-flight requests: up at once, down only after the stabilization window. */
class AutoscalerTest {
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  @Test
  void scalesUpAtOnceWithinTheLimits() {
    Autoscaler autoscaler = new Autoscaler(Duration.ofMinutes(5));

    assertThat(autoscaler.desired("s", 1, 20, 8, 1, 4, T0)).isEqualTo(3);
    assertThat(autoscaler.desired("s", 3, 100, 8, 1, 4, T0.plusSeconds(1))).isEqualTo(4);
  }

  @Test
  void scalesDownOnlyAfterTheWindowWithoutLoad() {
    Autoscaler autoscaler = new Autoscaler(Duration.ofMinutes(5));
    assertThat(autoscaler.desired("s", 1, 24, 8, 1, 4, T0)).isEqualTo(3);

    assertThat(autoscaler.desired("s", 3, 0, 8, 1, 4, T0.plusSeconds(60))).isEqualTo(3);
    assertThat(autoscaler.desired("s", 3, 0, 8, 1, 4, T0.plusSeconds(299))).isEqualTo(3);
    assertThat(autoscaler.desired("s", 3, 0, 8, 1, 4, T0.plusSeconds(301))).isEqualTo(1);
  }

  @Test
  void neverLeavesMinAndMax() {
    Autoscaler autoscaler = new Autoscaler(Duration.ZERO);

    assertThat(autoscaler.desired("s", 2, 0, 8, 2, 5, T0)).isEqualTo(2);
    assertThat(autoscaler.desired("s", 2, 1000, 8, 2, 5, T0)).isEqualTo(5);
  }
}
