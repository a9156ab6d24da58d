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

/** The bounds on a cycle's work of decision 48: the queue depth and the failed searches. */
class BoundedCycleTest {
  private final Scheduler scheduler = TestingCluster.scheduler(new TestingFirstFitPlacer());

  private static Instant minutes(long minutes) {
    return T0.plus(Duration.ofMinutes(minutes));
  }

  @Test
  void pastTheQueueDepthAJobGetsATrueReasonAndStartsOnceItMovesUp() {
    TestingCluster cluster = new TestingCluster(List.of(node("n1", 8)), List.of(queue("q", 8)));
    cluster.start(workload("top").queue("q").gpus(8).priority(1000).build(), minutes(0));
    int waiting = SchedulerConfig.DEFAULT_QUEUE_DEPTH + 100;
    for (int i = 0; i < waiting; i++) {
      cluster.submit(workload(String.format("g%04d", i)).queue("q").gpus(1).at(minutes(1)).build());
    }
    // Past the depth: one that fits the free CPUs and one that no node can ever hold.
    cluster.submit(workload("cpu").queue("q").at(minutes(2)).build());
    Workload huge = workload("huge").queue("q").gpus(16).at(minutes(3)).build();
    cluster.submit(huge);

    CycleResult first = cluster.cycle(scheduler, minutes(4));

    assertThat(first.admitted()).isEmpty();
    assertThat(first.pendingReasons()).hasSize(waiting + 2);
    String quota = "waiting for 1 GPU: queue q uses 8 of its 8 GPUs (nominal 8, may borrow 0 more)";
    assertThat(first.pendingReasons())
        .containsEntry("g0000", quota)
        .containsEntry("g0499", quota + "; 499 jobs ahead in the queue")
        .containsEntry("g0599", quota + "; more than 500 jobs ahead in the queue")
        .containsEntry(
            "cpu",
            "waiting in queue q behind more than 500 jobs: a cycle considers the first 500 of a"
                + " queue (it needs cpu=1 memory=4Gi gpu=0; free now cpu=31 memory=252Gi gpu=0)")
        .containsEntry(
            "huge", scheduler.neverFits(huge, cluster.nodes(), cluster.queues()).orElseThrow());

    // The jobs ahead are cancelled: the CPU-only job is considered, and starts.
    cluster.pending().keySet().removeIf(id -> id.startsWith("g"));
    CycleResult second = cluster.cycle(scheduler, minutes(5));

    assertThat(second.admitted()).extracting(Admission::workloadId).containsExactly("cpu");
  }

  @Test
  void afterFailedSearchesOfItsQueueAJobSearchesInALaterCycle() {
    TestingCluster cluster = failingGangsAhead();
    cluster.submit(workload("small").queue("q").gpus(1).priority(100).at(minutes(5)).build());

    CycleResult first = cluster.cycle(scheduler, minutes(6));

    // Four gangs that cannot preempt enough searched first; the job that could was not searched.
    assertThat(first.preemptions()).isEmpty();
    assertThat(first.pendingReasons().get("small")).startsWith("waiting for 1 GPU: queue q");

    cluster.pending().keySet().removeIf(id -> id.startsWith("gang"));
    CycleResult second = cluster.cycle(scheduler, minutes(7));

    assertThat(second.preemptions())
        .singleElement()
        .extracting(Preemption::preemptorId)
        .isEqualTo("small");
    assertThat(second.pendingReasons())
        .containsEntry("small", "waiting for 1 preempted job to stop");
  }

  @Test
  void aStarvingJobSearchesBeforeTheFailingOnes() {
    TestingCluster cluster = failingGangsAhead();
    // It ran for a minute before; waiting for hours, it starves and goes before the gangs.
    cluster.submit(workload("small").queue("q").gpus(1).priority(100).at(minutes(5)).pending(60));

    CycleResult result = cluster.cycle(scheduler, minutes(5 + 120));

    assertThat(result.preemptions())
        .singleElement()
        .extracting(Preemption::preemptorId)
        .isEqualTo("small");
  }

  /**
   * Two 8-GPU nodes, one held by production work, the other by eight 1-GPU batch jobs; four gangs
   * of two 8-GPU pods, each smaller in CPU than the one before, wait: each search fails anew.
   */
  private static TestingCluster failingGangsAhead() {
    TestingCluster cluster =
        new TestingCluster(List.of(node("n1", 8), node("n2", 8)), List.of(queue("q", 16)));
    cluster.startOn(
        workload("top").queue("q").gpus(8).priority(1000).build(), "n2", minutes(0), false);
    for (int i = 0; i < 8; i++) {
      cluster.startOn(workload("low" + i).queue("q").gpus(1).build(), "n1", minutes(0), false);
    }
    for (int i = 0; i < SchedulerConfig.DEFAULT_FAILED_SEARCHES_PER_QUEUE; i++) {
      cluster.submit(
          workload("gang" + i)
              .queue("q")
              .pods(2)
              .gpus(8)
              .cpu(8_000 - 1_000L * i)
              .priority(100)
              .at(minutes(1 + i))
              .build());
    }
    return cluster;
  }
}
