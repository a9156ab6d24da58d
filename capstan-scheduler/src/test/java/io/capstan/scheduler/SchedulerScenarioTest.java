package io.capstan.scheduler;

import static io.capstan.scheduler.TestingWorkloads.T0;
import static io.capstan.scheduler.TestingWorkloads.node;
import static io.capstan.scheduler.TestingWorkloads.queue;
import static io.capstan.scheduler.TestingWorkloads.workload;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchedulerScenarioTest {
  private final Scheduler scheduler = TestingCluster.scheduler(new TestingFirstFitPlacer());

  private static Instant minutes(long minutes) {
    return T0.plus(Duration.ofMinutes(minutes));
  }

  private static List<String> admittedIds(CycleResult result) {
    return result.admitted().stream().map(Admission::workloadId).toList();
  }

  @Test
  void idleQueueLendsAndReclaimsItsNominalQuota() {
    TestingCluster cluster =
        new TestingCluster(
            List.of(node("n1", 4), node("n2", 4)), List.of(queue("vision", 4), queue("nlp", 4)));
    cluster.submit(workload("b1").queue("nlp").gpus(4).at(minutes(0)).build());
    CycleResult first = cluster.cycle(scheduler, minutes(1));
    assertThat(first.admitted()).singleElement().extracting(Admission::borrowing).isEqualTo(false);

    cluster.submit(workload("b2").queue("nlp").gpus(4).at(minutes(2)).build());
    CycleResult second = cluster.cycle(scheduler, minutes(3));
    assertThat(second.admitted())
        .singleElement()
        .satisfies(admission -> assertThat(admission.workloadId()).isEqualTo("b2"))
        .satisfies(admission -> assertThat(admission.borrowing()).isTrue());

    cluster.submit(workload("a").queue("vision").gpus(4).at(minutes(4)).build());
    CycleResult reclaim = cluster.cycle(scheduler, minutes(5));
    assertThat(reclaim.admitted()).isEmpty();
    assertThat(reclaim.preemptions())
        .singleElement()
        .satisfies(p -> assertThat(p.victimId()).isEqualTo("b2"))
        .satisfies(p -> assertThat(p.preemptorId()).isEqualTo("a"))
        .satisfies(
            p ->
                assertThat(p.reason()).contains("reclaimed by queue vision for its nominal quota"));
    assertThat(reclaim.pendingReasons()).containsEntry("a", "waiting for 1 preempted job to stop");

    CycleResult waiting = cluster.cycle(scheduler, minutes(6));
    assertThat(waiting.preemptions()).isEmpty();
    assertThat(waiting.pendingReasons()).containsEntry("a", "waiting for 1 preempted job to stop");

    cluster.stopTerminating(minutes(7));
    CycleResult admitted = cluster.cycle(scheduler, minutes(7));
    assertThat(admittedIds(admitted)).containsExactly("a");
    assertThat(admitted.admitted().get(0).borrowing()).isFalse();
    assertThat(admitted.preemptions()).isEmpty();
    assertThat(admitted.pendingReasons())
        .containsEntry(
            "b2",
            "waiting for 4 GPUs: queue nlp uses 4 of its 4 GPUs (nominal 4, may borrow 0 more)");
  }

  @Test
  void priorityPreemptionPicksTheMinimalSet() {
    TestingCluster cluster = new TestingCluster(List.of(node("n1", 8)), List.of(queue("q", 8)));
    cluster.start(workload("l1").queue("q").gpus(2).build(), minutes(0));
    cluster.start(workload("l2").queue("q").gpus(4).build(), minutes(1));
    cluster.start(workload("l3").queue("q").gpus(2).build(), minutes(2));
    cluster.submit(workload("h").queue("q").gpus(4).priority(1).at(minutes(3)).build());

    CycleResult result = cluster.cycle(scheduler, minutes(4));

    assertThat(result.preemptions())
        .containsExactly(
            new Preemption("l2", "h", "preempted by higher-priority job h (priority 1 > 0)"));
    assertThat(result.pendingReasons()).containsEntry("h", "waiting for 1 preempted job to stop");
  }

  @Test
  void neverPreemptsEqualPriorityOfTheSameQueue() {
    TestingCluster cluster = new TestingCluster(List.of(node("n1", 4)), List.of(queue("q", 8)));
    cluster.start(workload("old").queue("q").gpus(4).build(), minutes(0));
    cluster.submit(workload("new").queue("q").gpus(4).at(minutes(1)).build());

    CycleResult result = cluster.cycle(scheduler, minutes(2));

    assertThat(result.preemptions()).isEmpty();
    assertThat(result.pendingReasons().get("new")).startsWith("waiting for resources: needs");
  }

  @Test
  void leastAttainedServiceDemotesALongRunningJobForANewOne() {
    TestingCluster cluster =
        new TestingCluster(
            List.of(node("n1", 4)), List.of(queue("q", 4, null, OrderingPolicy.LAS)));
    cluster.start(workload("long").queue("q").gpus(4).build(), minutes(0));
    cluster.submit(workload("short").queue("q").gpus(4).at(minutes(5)).build());

    // 4 GPUs for 10 minutes: 0.67 GPU-hours, below the first level (1 GPU-hour)
    assertThat(cluster.cycle(scheduler, minutes(10)).preemptions()).isEmpty();

    // 4 GPUs for 20 minutes: 1.33 GPU-hours, one level above the new job
    CycleResult result = cluster.cycle(scheduler, minutes(20));
    assertThat(result.preemptions())
        .containsExactly(
            new Preemption(
                "long",
                "short",
                "yielded to job short of the same queue: least attained service first, and this"
                    + " job has received 1.3 GPU-hours, the other 0.0"));
    cluster.stopTerminating(minutes(21));
    assertThat(admittedIds(cluster.cycle(scheduler, minutes(21)))).containsExactly("short");
    assertThat(cluster.pending().get("long").attainedGpuSeconds()).isEqualTo(4 * 21 * 60.0);
  }

  @Test
  void fifoQueuesAndTheMinimumRunProtectARunningJob() {
    TestingCluster fifo = new TestingCluster(List.of(node("n1", 4)), List.of(queue("q", 4)));
    fifo.start(workload("long").queue("q").gpus(4).build(), minutes(0));
    fifo.submit(workload("short").queue("q").gpus(4).at(minutes(5)).build());
    assertThat(fifo.cycle(scheduler, minutes(120)).preemptions()).isEmpty();

    // resumed after a preemption: already 2 GPU-hours, but only 5 minutes into this run
    TestingCluster las = lasWithResumedJob(minutes(115), 7200);
    las.submit(workload("short").queue("q").gpus(4).at(minutes(116)).build());
    assertThat(las.cycle(scheduler, minutes(120)).preemptions()).isEmpty();
  }

  @Test
  void aResumedJobRunsAsLongAsItsEarlierRunsBeforeItIsDemotedAgain() {
    // resumed at minute 100 after 40 minutes on 4 GPUs (2.7 GPU-hours, one level down)
    TestingCluster las = lasWithResumedJob(minutes(100), 4 * 40 * 60);
    las.submit(workload("short").queue("q").gpus(4).at(minutes(101)).build());

    // 30 minutes into this run: past the 10-minute minimum, not yet as long as its first run
    assertThat(las.cycle(scheduler, minutes(130)).preemptions()).isEmpty();
    assertThat(las.cycle(scheduler, minutes(140)).preemptions())
        .extracting(Preemption::victimId)
        .containsExactly("long");
  }

  /** A LAS queue on one 4-GPU node, running 4-GPU job "long" resumed at {@code resumed}. */
  private static TestingCluster lasWithResumedJob(Instant resumed, double attainedBefore) {
    TestingCluster las =
        new TestingCluster(
            List.of(node("n1", 4)), List.of(queue("q", 4, null, OrderingPolicy.LAS)));
    las.running()
        .put(
            "long",
            new RunningWorkload(
                workload("long").queue("q").gpus(4).build(),
                firstFit(las, 4),
                resumed,
                attainedBefore,
                false));
    return las;
  }

  private static List<io.capstan.scheduler.cluster.PodAllocation> firstFit(
      TestingCluster cluster, int gpus) {
    return new TestingFirstFitPlacer()
        .place(
            List.of(io.capstan.scheduler.cluster.PodDemand.of(1_000, 4L << 30, gpus)),
            cluster.nodeStates())
        .orElseThrow();
  }

  @Test
  void aStarvingBorrowerDoesNotTakeWhatAReclaimFreed() {
    TestingCluster cluster =
        new TestingCluster(List.of(node("n1", 4)), List.of(queue("a", 4), queue("b", 0)));
    cluster.start(workload("b1").queue("b").gpus(4).build(), minutes(0));
    cluster.submit(workload("b2").queue("b").gpus(4).at(minutes(0)).build());
    cluster.submit(workload("a1").queue("a").gpus(4).at(minutes(100)).build());

    CycleResult reclaim = cluster.cycle(scheduler, minutes(100));
    assertThat(reclaim.preemptions()).extracting(Preemption::victimId).containsExactly("b1");
    cluster.stopTerminating(minutes(101));

    // b2 has waited 101 minutes (starving), but a1 stays within its nominal quota: a1 goes first.
    CycleResult next = cluster.cycle(scheduler, minutes(101));
    assertThat(admittedIds(next)).containsExactly("a1");
    assertThat(next.preemptions()).isEmpty();
  }

  @Test
  void rejectsWorkloadsThatCanNeverRun() {
    List<io.capstan.scheduler.cluster.NodeSpec> nodes = List.of(node("n1", 4), node("n2", 4));
    var queues =
        java.util.Map.of(
            "vision", queue("vision", 4, 2, OrderingPolicy.FIFO), "nlp", queue("nlp", 4));

    assertThat(scheduler.neverFits(workload("big").queue("vision").gpus(8).build(), nodes, queues))
        .hasValueSatisfying(
            reason ->
                assertThat(reason)
                    .startsWith("pod 0 needs cpu=1 memory=4Gi gpu=8, more than any node offers"));
    assertThat(
            scheduler.neverFits(
                workload("wide").queue("nlp").gpus(4).pods(3).build(), nodes, queues))
        .hasValueSatisfying(
            reason ->
                assertThat(reason)
                    .isEqualTo(
                        "needs cpu=3 memory=12Gi gpu=12 in total, more than the whole cluster's"
                            + " cpu=64 memory=512Gi gpu=8"));
    assertThat(
            scheduler.neverFits(
                workload("greedy").queue("vision").gpus(4).pods(2).build(), nodes, queues))
        .hasValue(
            "needs 8 GPUs, more than queue vision may ever use: nominal 4 + borrowing limit 2 = 6"
                + " GPUs");
    assertThat(scheduler.neverFits(workload("lost").queue("foo").gpus(1).build(), nodes, queues))
        .hasValue("queue 'foo' does not exist");
    assertThat(
            scheduler.neverFits(
                workload("fine").queue("vision").gpus(3).pods(2).build(), nodes, queues))
        .isEmpty();
  }

  @Test
  void pendingReasonsExplainQuotaWithNumbers() {
    TestingCluster cluster =
        new TestingCluster(
            List.of(node("n1", 8), node("n2", 8), node("n3", 8)),
            List.of(queue("vision", 12, 0, OrderingPolicy.FIFO), queue("nlp", 6)));
    for (int i = 0; i < 3; i++) {
      cluster.start(workload("v" + i).queue("vision").gpus(4).build(), minutes(0));
    }
    cluster.start(workload("n").queue("nlp").gpus(4).pods(3).build(), minutes(0));
    for (int i = 0; i < 4; i++) {
      cluster.submit(workload("p" + i).queue("vision").gpus(4).at(minutes(1 + i)).build());
    }
    cluster.submit(workload("x").queue("nowhere").gpus(1).build());

    CycleResult result = cluster.cycle(scheduler, minutes(10));

    assertThat(result.admitted()).isEmpty();
    assertThat(result.preemptions()).isEmpty();
    assertThat(result.pendingReasons())
        .hasSize(5)
        .containsEntry(
            "p3",
            "waiting for 4 GPUs: queue vision uses 12 of its 12 GPUs (nominal 12, may borrow 0"
                + " more); 3 jobs ahead in the queue; 6 GPUs in the cluster are lent to queue nlp")
        .containsEntry("x", "queue 'nowhere' does not exist");
  }

  @Test
  void pendingReasonsExplainMissingResources() {
    TestingCluster cluster = new TestingCluster(List.of(node("n1", 4)), List.of(queue("q", 8)));
    cluster.start(workload("r").queue("q").gpus(3).build(), minutes(0));
    cluster.submit(workload("w").queue("q").gpus(1).pods(2).at(minutes(1)).build());

    CycleResult result = cluster.cycle(scheduler, minutes(2));

    assertThat(result.pendingReasons())
        .containsEntry(
            "w",
            "waiting for resources: needs cpu=2 memory=8Gi gpu=2 for 2 pods as one gang; free now"
                + " cpu=31 memory=252Gi gpu=1; largest free GPU block is 1 GPU on node n1");
  }

  @Test
  void leastAttainedServiceRunsAFreshJobFirst() {
    TestingCluster cluster =
        new TestingCluster(
            List.of(node("n1", 4)), List.of(queue("q", 4, null, OrderingPolicy.LAS)));
    cluster.submit(workload("veteran").queue("q").gpus(4).at(minutes(0)).pending(40_000));
    cluster.submit(workload("fresh").queue("q").gpus(4).at(minutes(5)).build());

    assertThat(admittedIds(cluster.cycle(scheduler, minutes(10)))).containsExactly("fresh");
  }

  @Test
  void fifoKeepsArrivalOrder() {
    TestingCluster cluster = new TestingCluster(List.of(node("n1", 4)), List.of(queue("q", 4)));
    cluster.submit(workload("second").queue("q").gpus(4).at(minutes(5)).build());
    cluster.submit(workload("first").queue("q").gpus(4).at(minutes(0)).pending(40_000));

    CycleResult result = cluster.cycle(scheduler, minutes(10));

    assertThat(admittedIds(result)).containsExactly("first");
    assertThat(result.pendingReasons().get("second")).startsWith("waiting for 4 GPUs: queue q");
  }

  @Test
  void starvingJobJumpsToTheFrontOfItsPriorityBand() {
    TestingCluster cluster =
        new TestingCluster(
            List.of(node("n1", 4)), List.of(queue("q", 4, null, OrderingPolicy.LAS)));
    // it ran 15 minutes on 4 GPUs (1 GPU-hour, one LAS level down) and waits since minute 0
    cluster.submit(workload("old").queue("q").gpus(4).at(minutes(0)).pending(3_600));
    cluster.submit(workload("fresh").queue("q").gpus(4).at(minutes(50)).build());

    assertThat(admittedIds(cluster.cycle(scheduler, minutes(55)))).containsExactly("fresh");

    cluster.finish("fresh");
    cluster.submit(workload("fresher").queue("q").gpus(4).at(minutes(60)).build());
    // waited 61 minutes: longer than the starvation age and than 4 times its 15-minute run
    assertThat(admittedIds(cluster.cycle(scheduler, minutes(61)))).containsExactly("old");
  }

  @Test
  void aLongRunJobStarvesOnlyAfterFourTimesItsRunTime() {
    TestingCluster cluster =
        new TestingCluster(
            List.of(node("n1", 4)), List.of(queue("q", 4, null, OrderingPolicy.LAS)));
    // 10,000 GPU-seconds on 4 GPUs: it ran 2,500 s, so it starves after 10,000 s (2.8 h)
    cluster.submit(workload("old").queue("q").gpus(4).at(minutes(0)).pending(10_000));
    cluster.submit(workload("fresh").queue("q").gpus(4).at(minutes(100)).build());
    assertThat(admittedIds(cluster.cycle(scheduler, minutes(166)))).containsExactly("fresh");

    cluster.finish("fresh");
    cluster.submit(workload("fresher").queue("q").gpus(4).at(minutes(167)).build());
    assertThat(admittedIds(cluster.cycle(scheduler, minutes(167)))).containsExactly("old");
  }

  @Test
  void shortestKnownJobFirstForTheOracle() {
    TestingCluster cluster =
        new TestingCluster(
            List.of(node("n1", 4)), List.of(queue("q", 4, null, OrderingPolicy.SJF_ORACLE)));
    cluster.submit(workload("long").queue("q").gpus(4).duration(Duration.ofHours(5)).build());
    cluster.submit(workload("unknown").queue("q").gpus(4).build());
    cluster.submit(workload("short").queue("q").gpus(4).duration(Duration.ofMinutes(5)).build());

    assertThat(admittedIds(cluster.cycle(scheduler, minutes(1)))).containsExactly("short");
  }

  private static TestingCluster backfillFixture() {
    TestingCluster cluster =
        new TestingCluster(List.of(node("n1", 4), node("n2", 4)), List.of(queue("q", 8)));
    cluster.startOn(workload("running").queue("q").gpus(2).build(), "n1", minutes(0), false);
    cluster.startOn(workload("stopping").queue("q").gpus(2).build(), "n2", minutes(0), true);
    cluster.submit(workload("head").queue("q").gpus(4).at(minutes(1)).build());
    cluster.submit(workload("small").queue("q").gpus(2).at(minutes(2)).build());
    cluster.submit(workload("late").queue("q").gpus(2).at(minutes(3)).build());
    return cluster;
  }

  @Test
  void backfillAdmitsOnlyWhatDoesNotDelayTheReservedHead() {
    TestingCluster cluster = backfillFixture();

    CycleResult result = cluster.cycle(scheduler, minutes(4));

    // "small" fits beside "running" on n1; "late" would take n2, which "head" gets once "stopping"
    // is gone.
    assertThat(admittedIds(result)).containsExactly("small");
    assertThat(result.admitted().get(0).allocations()).allMatch(a -> a.node().equals("n1"));
    assertThat(result.pendingReasons())
        .containsEntry("head", "waiting for 1 preempted job to stop")
        .containsEntry("late", "waiting behind job head (reserved: it needs 4 GPUs)");

    cluster.finish("stopping");
    assertThat(admittedIds(cluster.cycle(scheduler, minutes(5)))).containsExactly("head");
  }

  @Test
  void backfillKeepsCapacityTheHeadCanUseWhenItWaitsForRunningWork() {
    TestingCluster cluster = new TestingCluster(List.of(node("n1", 4)), List.of(queue("q", 8)));
    cluster.start(workload("running").queue("q").gpus(3).build(), minutes(0));
    cluster.submit(workload("head").queue("q").gpus(2).at(minutes(1)).build());
    cluster.submit(workload("gpu").queue("q").gpus(1).at(minutes(2)).build());
    cluster.submit(workload("cpu").queue("q").cpu(4_000).at(minutes(3)).build());

    CycleResult result = cluster.cycle(scheduler, minutes(4));

    assertThat(admittedIds(result)).containsExactly("cpu");
    assertThat(result.pendingReasons())
        .containsEntry("gpu", "waiting behind job head (reserved: it needs 2 GPUs)");
  }

  @Test
  void withoutBackfillTheOrderIsStrict() {
    TestingCluster cluster = backfillFixture();
    Scheduler strict =
        new Scheduler(
            new SchedulerConfig(new TestingFirstFitPlacer(), Duration.ofHours(1), false, 16));

    CycleResult result = cluster.cycle(strict, minutes(4));

    assertThat(result.admitted()).isEmpty();
    assertThat(result.pendingReasons())
        .containsEntry("head", "waiting for 1 preempted job to stop")
        .containsEntry("small", "waiting behind job head (reserved: it needs 4 GPUs)")
        .containsEntry("late", "waiting behind job head (reserved: it needs 4 GPUs)");
  }

  @Test
  void quotaBlockedJobsNeverBlockOthers() {
    TestingCluster cluster =
        new TestingCluster(
            List.of(node("n1", 8)),
            List.of(queue("small", 2, 0, OrderingPolicy.FIFO), queue("other", 4)));
    cluster.start(workload("s0").queue("small").gpus(2).priority(5).build(), minutes(0));
    cluster.submit(workload("s1").queue("small").gpus(2).priority(5).at(minutes(1)).build());
    cluster.submit(workload("o1").queue("other").gpus(2).at(minutes(2)).build());
    Scheduler strict =
        new Scheduler(
            new SchedulerConfig(new TestingFirstFitPlacer(), Duration.ofHours(1), false, 16));

    CycleResult result = cluster.cycle(strict, minutes(3));

    assertThat(admittedIds(result)).containsExactly("o1");
    assertThat(result.pendingReasons().get("s1")).startsWith("waiting for 2 GPUs: queue small");
  }

  @Test
  void fairShareFavoursTheQueueUsingLess() {
    TestingCluster cluster =
        new TestingCluster(List.of(node("n1", 8)), List.of(queue("a", 2), queue("b", 2)));
    cluster.start(workload("a0").queue("a").gpus(4).build(), minutes(0));
    cluster.submit(workload("a1").queue("a").gpus(4).at(minutes(1)).build());
    cluster.submit(workload("b1").queue("b").gpus(4).at(minutes(2)).build());

    assertThat(admittedIds(cluster.cycle(scheduler, minutes(3)))).containsExactly("b1");
  }
}
