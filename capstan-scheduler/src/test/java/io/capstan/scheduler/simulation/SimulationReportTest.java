package io.capstan.scheduler.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimulationReportTest {
  private static final Instant T0 = Instant.parse("2017-10-01T00:00:00Z");

  @Test
  void aggregatesJobTimesPerQueueAndAllocation() {
    // a: waits 0, runs 100 -> JCT 100, slowdown 1; b: waits 100, runs 100 -> JCT 200, slowdown 2;
    // c (queue y): waits 300, runs 100 -> JCT 400, slowdown 4
    SimulationReport report =
        new SimulationReport(
            T0,
            List.of(
                job("a", "x", 0, 0, 100), job("b", "x", 0, 100, 200), job("c", "y", 0, 300, 400)),
            Map.of("d", "too big"),
            List.of(),
            3,
            Map.of("b", 2, "c", 1),
            3,
            2000,
            List.of(
                new AllocationSample(T0, 1000),
                new AllocationSample(T0.plusSeconds(200), 0),
                new AllocationSample(T0.plusSeconds(300), 1000),
                new AllocationSample(T0.plusSeconds(400), 0)));

    assertThat(report.completionTimes().mean()).isCloseTo(700.0 / 3, within(1e-9));
    assertThat(report.completionTimes().percentile(50)).isEqualTo(200);
    assertThat(report.queueingDelays().percentile(99)).isEqualTo(300);
    assertThat(report.makespan()).isEqualTo(Duration.ofSeconds(400));
    assertThat(report.averageCompletionTimeByQueue())
        .containsExactly(Map.entry("x", 150.0), Map.entry("y", 400.0));
    // queue slowdowns 1.5 and 4: (5.5)^2 / (2 * (2.25 + 16))
    assertThat(report.queueFairness()).isCloseTo(30.25 / 36.5, within(1e-12));
    assertThat(report.preemptionsByJob()).containsExactly(Map.entry("b", 2), Map.entry("c", 1));
    assertThat(report.mostPreemptionsOfAJob()).isEqualTo(2);
    // 1 of 2 GPUs for 300 of 400 s
    assertThat(report.averageAllocation()).isCloseTo(0.375, within(1e-12));
  }

  private static JobOutcome job(String id, String queue, long submit, long start, long finish) {
    return new JobOutcome(
        id,
        queue,
        1000,
        T0.plusSeconds(submit),
        T0.plusSeconds(start),
        T0.plusSeconds(finish),
        Duration.ofSeconds(100),
        Duration.ofSeconds(100),
        0);
  }
}
