package io.capstan.scheduler;

import static io.capstan.scheduler.TestingWorkloads.T0;
import static io.capstan.scheduler.TestingWorkloads.node;
import static io.capstan.scheduler.TestingWorkloads.queue;
import static io.capstan.scheduler.TestingWorkloads.workload;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.scheduler.cluster.ResourceAmounts;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A borrower preempted by reclaim is not admitted again by borrowing while the lender's waiting
 * work within its nominal quota needs what the reclaim frees (decision 62).
 */
class ReclaimWithoutThrashTest {
  private final Scheduler scheduler = TestingCluster.scheduler(new TestingFirstFitPlacer());

  private static Instant seconds(long seconds) {
    return T0.plus(Duration.ofSeconds(seconds));
  }

  /**
   * A high-priority serving replica borrows 1 GPU of queue research's nominal 2; research submits a
   * 2-GPU job. Cycles every 5 s; a preempted replica is gone 10 s after its preemption.
   */
  @Test
  void aReclaimedHighPriorityReplicaIsNotAdmittedAgainByBorrowing() {
    TestingCluster cluster =
        new TestingCluster(
            List.of(node("n1", 2)), List.of(queue("research", 2), queue("serving", 0)));
    cluster.start(workload("replica").queue("serving").gpus(1).priority(100).build(), seconds(0));
    cluster.submit(workload("train").queue("research").gpus(2).at(seconds(1)).build());

    int preempted = 0;
    Instant stopsAt = null;
    for (long t = 5; t <= 600; t += 5) {
      if (stopsAt != null && !seconds(t).isBefore(stopsAt)) {
        cluster.stopTerminating(seconds(t));
        stopsAt = null;
      }
      CycleResult result = cluster.cycle(scheduler, seconds(t));
      for (Preemption preemption : result.preemptions()) {
        if (preemption.victimId().equals("replica")) {
          preempted++;
          stopsAt = seconds(t + 10);
        }
      }
    }

    assertThat(preempted).isEqualTo(1);
    assertThat(cluster.running()).containsKey("train");
    assertThat(cluster.pending()).containsKey("replica");
  }

  /**
   * Research reclaims both serving replicas on its node; the high-priority one stops first and
   * would fit at once by borrowing, but research's job claimed that GPU and the quota with it.
   */
  @Test
  void aFreedBorrowerWaitsWhileTheReclaimerWaitsForTheOtherVictim() {
    TestingCluster cluster =
        new TestingCluster(
            List.of(node("n1", 2)), List.of(queue("research", 2), queue("serving", 0)));
    cluster.start(workload("replica").queue("serving").gpus(1).priority(100).build(), seconds(0));
    cluster.start(workload("batch").queue("serving").gpus(1).build(), seconds(0));
    cluster.submit(workload("train").queue("research").gpus(2).at(seconds(1)).build());

    CycleResult reclaim = cluster.cycle(scheduler, seconds(5));
    assertThat(reclaim.preemptions())
        .extracting(Preemption::victimId)
        .containsExactlyInAnyOrder("replica", "batch");

    cluster.stopTerminating("replica", seconds(10));
    CycleResult held = cluster.cycle(scheduler, seconds(10));
    assertThat(held.admitted()).isEmpty();
    assertThat(held.preemptions()).isEmpty();
    assertThat(held.pendingReasons())
        .containsEntry("train", "waiting for 1 preempted job to stop")
        .containsEntry(
            "replica", "waiting behind a job of queue research (reserved: it needs 2 GPUs)");

    cluster.stopTerminating("batch", seconds(40));
    CycleResult started = cluster.cycle(scheduler, seconds(40));
    assertThat(started.admitted()).extracting(Admission::workloadId).containsExactly("train");
    assertThat(started.preemptions()).isEmpty();
  }

  /**
   * As above, with a free GPU on another node that queue ops keeps (it lends nothing): the freed
   * replica fits there, but borrowing would take the quota research claimed for its job.
   */
  @Test
  void aFreedBorrowerDoesNotBorrowTheQuotaTheReclaimerClaimed() {
    QueueSpec ops =
        new QueueSpec(
            "ops", ResourceAmounts.gpus(1), null, ResourceAmounts.ZERO, 1, OrderingPolicy.FIFO);
    TestingCluster cluster =
        new TestingCluster(
            List.of(node("n0", 1), node("n1", 2)),
            List.of(queue("research", 2), ops, queue("serving", 0)));
    cluster.startOn(
        workload("replica").queue("serving").gpus(1).priority(100).build(),
        "n1",
        seconds(0),
        false);
    cluster.startOn(workload("batch").queue("serving").gpus(1).build(), "n1", seconds(0), false);
    cluster.submit(workload("train").queue("research").gpus(2).at(seconds(1)).build());
    assertThat(cluster.cycle(scheduler, seconds(5)).preemptions()).hasSize(2);

    cluster.stopTerminating("replica", seconds(10));
    CycleResult held = cluster.cycle(scheduler, seconds(10));

    assertThat(held.admitted()).isEmpty();
    assertThat(held.pendingReasons())
        .containsEntry(
            "replica",
            "waiting for 1 GPU: queue serving would borrow it, but the quota it could borrow is"
                + " held for the waiting jobs of queue research (2 GPUs), which start as their"
                + " preempted jobs stop; queue serving may borrow 0 more until then");
  }

  /**
   * What nobody with a nominal claim waits for is still lent while a reclaim is under way: queue
   * ops is idle, so the second replica borrows its quota on the node the reclaim does not need.
   */
  @Test
  void aBorrowerStillTakesWhatNoReclaimerWaitsFor() {
    TestingCluster cluster =
        new TestingCluster(
            List.of(node("n1", 2), node("n2", 2), node("n3", 1)),
            List.of(queue("research", 2), queue("ops", 3), queue("serving", 0)));
    cluster.startOn(
        workload("replica").queue("serving").gpus(2).priority(100).build(),
        "n1",
        seconds(0),
        false);
    cluster.startOn(workload("batch").queue("serving").gpus(2).build(), "n2", seconds(0), false);
    cluster.submit(workload("train").queue("research").gpus(2).at(seconds(1)).build());
    cluster.submit(
        workload("replica2").queue("serving").gpus(1).priority(100).at(seconds(2)).build());

    CycleResult first = cluster.cycle(scheduler, seconds(5));

    assertThat(first.preemptions())
        .singleElement()
        .satisfies(p -> assertThat(p.victimId()).isEqualTo("batch"))
        .satisfies(p -> assertThat(p.preemptorId()).isEqualTo("train"));
    assertThat(first.admitted())
        .singleElement()
        .satisfies(a -> assertThat(a.workloadId()).isEqualTo("replica2"))
        .satisfies(a -> assertThat(a.borrowing()).isTrue())
        .satisfies(a -> assertThat(a.allocations()).allMatch(p -> p.node().equals("n3")));

    cluster.stopTerminating(seconds(30));
    CycleResult second = cluster.cycle(scheduler, seconds(30));
    assertThat(second.admitted()).extracting(Admission::workloadId).containsExactly("train");
    assertThat(second.preemptions()).isEmpty();
    assertThat(second.pendingReasons().get("batch"))
        .startsWith("waiting for 2 GPUs: queue serving");
  }
}
