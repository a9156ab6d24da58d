package io.capstan.scheduler.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.scheduler.OrderingPolicy;
import io.capstan.scheduler.QueueSpec;
import io.capstan.scheduler.Scheduler;
import io.capstan.scheduler.SchedulerConfig;
import io.capstan.scheduler.Workload;
import io.capstan.scheduler.cluster.ResourceAmounts;
import io.capstan.scheduler.placement.BestFitPlacer;
import io.capstan.scheduler.trace.PhillyJob;
import io.capstan.scheduler.trace.PhillyTrace;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimulatorTest {
  private static final Instant T0 = Instant.parse("2017-10-09T00:00:00Z");
  private static final Simulator.Settings SETTINGS =
      new Simulator.Settings(Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMinutes(5));

  @Test
  void aGangWaitsForTheJobAheadAndAJobThatCanNeverFitIsRejected() {
    Map<String, QueueSpec> queues = queues(OrderingPolicy.FIFO, 8);
    SimulationReport report =
        simulator(1, queues)
            .run(
                List.of(
                    job("first", "team", 0, 8, 0, Duration.ofHours(1)),
                    job("second", "team", 60, 8, 0, Duration.ofHours(2)),
                    job("huge", "team", 120, 16, 0, Duration.ofHours(1))));

    assertThat(report.rejected())
        .containsOnlyKeys("huge")
        .hasEntrySatisfying(
            "huge",
            reason ->
                assertThat(reason).contains("gpu=16 in total, more than the whole cluster's"));
    assertThat(report.unfinished()).isEmpty();
    JobOutcome second = outcome(report, "second");
    assertThat(second.queueingDelay()).isEqualTo(Duration.ofSeconds(3600 - 60));
    assertThat(second.completionTime()).isEqualTo(Duration.ofSeconds(3 * 3600 - 60));
    assertThat(report.makespan()).isEqualTo(Duration.ofHours(3));
    // 8 of 8 GPUs busy from start to end
    assertThat(report.averageAllocation()).isEqualTo(1.0);
  }

  @Test
  void aPreemptedJobResumesFromItsCheckpointAndLosesOnlyTheGracePeriod() {
    Map<String, QueueSpec> queues = queues(OrderingPolicy.FIFO, 8);
    SimulationReport report =
        simulator(1, queues)
            .run(
                List.of(
                    job("low", "team", 0, 8, 0, Duration.ofHours(2)),
                    job("urgent", "team", 3600, 8, 10, Duration.ofMinutes(30))));

    JobOutcome urgent = outcome(report, "urgent");
    JobOutcome low = outcome(report, "low");
    assertThat(report.preemptions()).isEqualTo(1);
    // urgent starts once low's 30 s grace period is over
    assertThat(urgent.queueingDelay()).isEqualTo(Duration.ofSeconds(30));
    assertThat(low.preemptions()).isEqualTo(1);
    // low ran 1 h, stopped for the 30 s grace + urgent's 30 min, then ran its last hour
    assertThat(low.runTime()).isEqualTo(Duration.ofHours(2));
    assertThat(low.finished()).isEqualTo(T0.plus(Duration.ofSeconds(2 * 3600 + 30 + 30 * 60)));
  }

  @Test
  void aResumedJobPaysTheRestartCostAndSeesItsServiceAsHeldTime() {
    Map<String, QueueSpec> queues = queues(OrderingPolicy.FIFO, 8);
    Simulator.Settings restarting =
        new Simulator.Settings(
            Duration.ofSeconds(30),
            Duration.ofSeconds(1),
            Duration.ofMinutes(5),
            Duration.ofMinutes(2));
    Scheduler scheduler = new Scheduler(SchedulerConfig.defaults(new BestFitPlacer()));
    SimulationReport report =
        new Simulator(scheduler, PhillyReplay.nodes(1), queues, restarting)
            .run(
                List.of(
                    job("low", "team", 0, 8, 0, Duration.ofHours(2)),
                    job("urgent", "team", 3600, 8, 10, Duration.ofMinutes(30))));

    JobOutcome low = outcome(report, "low");
    // 1 h, 30 s grace, urgent's 30 min, then 2 min of restart before its last hour
    assertThat(low.finished())
        .isEqualTo(T0.plus(Duration.ofSeconds(2 * 3600 + 30 + 30 * 60 + 120)));
    assertThat(low.runTime()).isEqualTo(Duration.ofHours(2));
    // the urgent job never restarted: no cost
    assertThat(outcome(report, "urgent").completionTime())
        .isEqualTo(Duration.ofSeconds(30 + 30 * 60));
  }

  @Test
  void theDefaultsChargeAGracePeriodAndARestartPerPreemption() {
    Simulator.Settings defaults = Simulator.Settings.defaults();
    assertThat(defaults.gracePeriod()).isEqualTo(Duration.ofSeconds(30));
    assertThat(defaults.restartCost()).isEqualTo(Duration.ofSeconds(60));
    assertThat(SETTINGS.restartCost()).isZero();
  }

  @Test
  void aPhillyReplayIsDeterministicAndFinishesEveryJob() {
    PhillyTrace trace = PhillyTrace.load();
    List<PhillyJob> window = trace.firstAfter(T0, 300);
    Map<String, QueueSpec> queues =
        PhillyReplay.queues(trace.virtualClusterNodes(), 64, OrderingPolicy.LAS);

    SimulationReport once = simulator(8, queues).run(PhillyReplay.jobs(window, false));
    SimulationReport again = simulator(8, queues).run(PhillyReplay.jobs(window, false));

    assertThat(once).isEqualTo(again);
    assertThat(once.jobs().size() + once.rejected().size()).isEqualTo(300);
    assertThat(once.unfinished()).isEmpty();
    assertThat(once.jobs()).allSatisfy(job -> assertThat(job.runTime()).isEqualTo(job.duration()));
    assertThat(once.queueingDelays().max()).isPositive();
  }

  private static Simulator simulator(int nodes, Map<String, QueueSpec> queues) {
    Scheduler scheduler = new Scheduler(SchedulerConfig.defaults(new BestFitPlacer()));
    return new Simulator(scheduler, PhillyReplay.nodes(nodes), queues, SETTINGS);
  }

  private static Map<String, QueueSpec> queues(OrderingPolicy policy, int gpus) {
    return Map.of("team", QueueSpec.of("team", ResourceAmounts.gpus(gpus), policy));
  }

  private static SimJob job(
      String id, String queue, long submitSecond, int gpus, int priority, Duration duration) {
    return new SimJob(
        new Workload(
            id, queue, priority, T0.plusSeconds(submitSecond), PhillyReplay.pods(gpus), null),
        duration);
  }

  private static JobOutcome outcome(SimulationReport report, String id) {
    return report.jobs().stream().filter(job -> job.id().equals(id)).findFirst().orElseThrow();
  }
}
