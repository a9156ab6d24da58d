package io.capstan.scheduler;

import io.capstan.scheduler.cluster.ResourceAmounts;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The reasons of the candidates past a cycle's queue depth (decision 48), judged when read on the
 * cycle's final state, which nothing changes afterwards: the same checks in the same order as a
 * considered candidate that can neither start nor claim resources gets. Read under the lock of the
 * cycle's {@link ReasonMap}, one thread at a time.
 */
final class DeferredReasons {
  private final NeverFits.Cluster emptyCluster;
  private final QuotaBook book;
  private final ResourceAmounts free;
  private final Workload head;
  private final int depth;
  private final Map<QuotaKey, PendingReasons.QuotaText> quotaTexts = new HashMap<>();

  /**
   * @param head the first gang the nodes could not hold when the cycle does not backfill, else null
   * @param depth how many candidates of each queue the cycle considered in full
   */
  DeferredReasons(
      NeverFits.Cluster emptyCluster,
      QuotaBook book,
      ResourceAmounts free,
      Workload head,
      int depth) {
    this.emptyCluster = emptyCluster;
    this.book = book;
    this.free = free;
    this.head = head;
    this.depth = depth;
  }

  String text(Workload workload) {
    if (head != null) {
      return PendingReasons.behind(head, workload);
    }
    Optional<String> never = emptyCluster.check(workload);
    if (never.isPresent()) {
      return never.get();
    }
    if (!book.admits(workload.queue(), workload.total())) {
      return quotaTexts
          .computeIfAbsent(
              new QuotaKey(workload.queue(), workload.total()),
              key -> PendingReasons.quotaText(workload, book))
          .withMoreThan(depth);
    }
    return PendingReasons.deferred(workload, depth, free);
  }

  private record QuotaKey(String queue, ResourceAmounts total) {}
}
