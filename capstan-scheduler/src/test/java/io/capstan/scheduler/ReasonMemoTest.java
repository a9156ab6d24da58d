package io.capstan.scheduler;

import static io.capstan.scheduler.TestingWorkloads.node;
import static io.capstan.scheduler.TestingWorkloads.queue;
import static io.capstan.scheduler.TestingWorkloads.workload;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodAllocation;
import io.capstan.scheduler.cluster.ResourceAmounts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReasonMemoTest {
  private final ReasonMemo memo = new ReasonMemo();
  private final QuotaBook book =
      QuotaBook.of(
          Map.of("vision", queue("vision", 4), "nlp", queue("nlp", 4)),
          ResourceAmounts.gpus(8),
          List.of());

  @Test
  void quotaTextsAreThoseOfPendingReasonsWithEachJobsAhead() {
    Workload first = workload("a").queue("vision").gpus(8).build();
    Workload second = workload("b").queue("vision").gpus(8).build();

    assertThat(memo.quota(first, book, 0).text()).isEqualTo(PendingReasons.quota(first, book, 0));
    assertThat(memo.quota(second, book, 1).text()).isEqualTo(PendingReasons.quota(second, book, 1));
    assertThat(memo.quota(second, book, 2).text())
        .isEqualTo(PendingReasons.quota(second, book, 2))
        .contains("; 2 jobs ahead in the queue");
  }

  @Test
  void aNewBookGetsNewTexts() {
    Workload big = workload("a").queue("vision").gpus(8).build();
    String before = memo.quota(big, book, 0).text();
    QuotaBook lent = book.plus("nlp", ResourceAmounts.gpus(6));

    assertThat(memo.quota(big, lent, 0).text())
        .isNotEqualTo(before)
        .isEqualTo(PendingReasons.quota(big, lent, 0))
        .contains("lent to queue nlp");
  }

  @Test
  void resourceTextsFollowTheSnapshot() {
    NodeState empty = NodeState.empty(node("n1", 4));
    WorkingSnapshot free = WorkingSnapshot.of(List.of(empty), book);
    Workload small = workload("a").queue("vision").gpus(1).build();
    Workload wide = workload("w").queue("vision").gpus(4).build();
    WorkingSnapshot used =
        free.withAllocated(
            small, List.of(new PodAllocation("n1", small.pods().get(0), List.of(0))));

    assertThat(memo.resources(wide, free).text())
        .isEqualTo(PendingReasons.resources(wide, free.free(), free.widest()));
    assertThat(memo.resources(wide, used).text())
        .isEqualTo(PendingReasons.resources(wide, used.free(), used.widest()))
        .contains("largest free GPU block is 3 GPUs on node n1");
  }
}
