package io.capstan.scheduler;

import io.capstan.scheduler.cluster.ResourceAmounts;
import java.util.HashMap;
import java.util.Map;

/**
 * The reasons of one cycle's waiting workloads, each text built once per distinct input: many
 * thousands of pending workloads share a queue, a total and the snapshot they were judged on, and
 * building the text is most of what a cycle spends on a workload that cannot start.
 */
final class ReasonMemo {
  private final Map<QuotaKey, PendingReasons.QuotaText> quota = new HashMap<>();
  private final Map<ResourcesKey, PendingReason> resources = new HashMap<>();
  private QuotaBook quotaOf;
  private WorkingSnapshot resourcesOf;

  /** As {@link PendingReasons#quota}. */
  PendingReason quota(Workload workload, QuotaBook book, int jobsAhead) {
    if (book != quotaOf) {
      quota.clear();
      quotaOf = book;
    }
    return new PendingReason.Quota(
        quota.computeIfAbsent(
            new QuotaKey(workload.queue(), workload.total()),
            key -> PendingReasons.quotaText(workload, book)),
        jobsAhead);
  }

  /** As {@link PendingReasons#resources} with the free resources and widest node of {@code now}. */
  PendingReason resources(Workload workload, WorkingSnapshot now) {
    if (now != resourcesOf) {
      resources.clear();
      resourcesOf = now;
    }
    return resources.computeIfAbsent(
        new ResourcesKey(workload.total(), workload.pods().size()),
        key -> PendingReason.of(PendingReasons.resources(workload, now.free(), now.widest())));
  }

  private record QuotaKey(String queue, ResourceAmounts total) {}

  private record ResourcesKey(ResourceAmounts total, int pods) {}
}
