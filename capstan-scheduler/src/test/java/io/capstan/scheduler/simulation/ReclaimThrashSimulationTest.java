package io.capstan.scheduler.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.scheduler.OrderingPolicy;
import io.capstan.scheduler.QueueSpec;
import io.capstan.scheduler.Scheduler;
import io.capstan.scheduler.SchedulerConfig;
import io.capstan.scheduler.Workload;
import io.capstan.scheduler.cluster.ResourceAmounts;
import io.capstan.scheduler.placement.BestFitPlacer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Serving replicas (priority high) borrow a research queue's idle quota, and research's jobs then
 * reclaim it, replayed by the simulator with the server's defaults: each replica is preempted at
 * most once per reclaim instead of being admitted again by borrowing and reclaimed again (decision
 * 62; before it, each replica was preempted 30 times in this replay).
 */
class ReclaimThrashSimulationTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void reclaimedReplicasAreNotAdmittedAgainWhileResearchHasWorkWithinItsQuota() {
    Map<String, QueueSpec> queues =
        Map.of(
            "research", QueueSpec.of("research", ResourceAmounts.gpus(8), OrderingPolicy.FIFO),
            "serving", QueueSpec.of("serving", ResourceAmounts.gpus(0), OrderingPolicy.FIFO));
    List<SimJob> jobs = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      jobs.add(job("replica-" + i, "serving", 0, 2, 100, Duration.ofHours(4)));
    }
    for (int i = 1; i <= 6; i++) {
      jobs.add(job("train-" + i, "research", 600 + i, 4, 0, Duration.ofMinutes(30)));
    }
    Scheduler scheduler = new Scheduler(SchedulerConfig.defaults(new BestFitPlacer()));

    SimulationReport report =
        new Simulator(scheduler, PhillyReplay.nodes(1), queues, Simulator.Settings.defaults())
            .run(jobs);

    assertThat(report.unfinished()).isEmpty();
    assertThat(report.jobs()).hasSize(8);
    assertThat(report.preemptionsByJob())
        .containsOnlyKeys("replica-1", "replica-2")
        .allSatisfy((job, count) -> assertThat(count).isEqualTo(1));
    assertThat(report.mostPreemptionsOfAJob()).isEqualTo(1);
    // research runs two 30-minute jobs at a time from minute 10: done 90 minutes later and 30 s
    // of grace, then the replicas resume and run their remaining hours
    assertThat(report.jobs().stream().filter(job -> job.queue().equals("research")))
        .allSatisfy(
            job ->
                assertThat(job.finished())
                    .isBeforeOrEqualTo(T0.plus(Duration.ofMinutes(100)).plusSeconds(60)));
  }

  private static SimJob job(
      String id, String queue, long submitSecond, int gpus, int priority, Duration duration) {
    return new SimJob(
        new Workload(
            id, queue, priority, T0.plusSeconds(submitSecond), PhillyReplay.pods(gpus), null),
        duration);
  }
}
