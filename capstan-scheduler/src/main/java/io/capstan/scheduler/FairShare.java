package io.capstan.scheduler;

import io.capstan.scheduler.cluster.ResourceAmounts;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Interleaves the queues' ordered pending workloads into one candidate sequence: the highest
 * priority head first, then queues with work that stays within their nominal quota (guaranteed
 * before borrowing), then starving heads (oldest first), then the lowest weighted dominant share,
 * then the queue name.
 */
final class FairShare {
  private final Map<String, Deque<PendingWorkload>> queues = new TreeMap<>();

  /**
   * Per queue, the smallest remaining demand in each dimension, from each position to the end: a
   * queue whose head would borrow but which holds a smaller job within its nominal quota still
   * ranks as guaranteed, so that the small job gets what its reclaim frees.
   */
  private final Map<String, ResourceAmounts[]> smallestFrom = new TreeMap<>();

  private final PendingOrder order;

  /** {@code ordered}: each queue's pending workloads, already in its own order. */
  FairShare(Map<String, List<PendingWorkload>> ordered, PendingOrder order) {
    this.order = order;
    ordered.forEach(
        (queue, pending) -> {
          if (!pending.isEmpty()) {
            queues.put(queue, new ArrayDeque<>(pending));
            smallestFrom.put(queue, smallestFrom(pending));
          }
        });
  }

  private static ResourceAmounts[] smallestFrom(List<PendingWorkload> pending) {
    ResourceAmounts[] smallest = new ResourceAmounts[pending.size()];
    ResourceAmounts min = null;
    for (int i = pending.size() - 1; i >= 0; i--) {
      ResourceAmounts total = pending.get(i).workload().total();
      min = min == null ? total : min.min(total);
      smallest[i] = min;
    }
    return smallest;
  }

  /** Whether some remaining workload of {@code queue} may stay within its nominal quota. */
  private boolean guaranteed(String queue, QuotaBook book) {
    ResourceAmounts[] smallest = smallestFrom.get(queue);
    ResourceAmounts least = smallest[smallest.length - queues.get(queue).size()];
    return !book.wouldBorrow(queue, least);
  }

  /** Takes the next candidate given the usage admitted so far; shares change as it grows. */
  Optional<PendingWorkload> next(QuotaBook book) {
    String best = null;
    for (String queue : queues.keySet()) {
      if (best == null || before(queue, best, book)) {
        best = queue;
      }
    }
    if (best == null) {
      return Optional.empty();
    }
    Deque<PendingWorkload> pending = queues.get(best);
    PendingWorkload head = pending.removeFirst();
    if (pending.isEmpty()) {
      queues.remove(best);
    }
    return Optional.of(head);
  }

  private boolean before(String queue, String other, QuotaBook book) {
    PendingWorkload headA = queues.get(queue).peekFirst();
    PendingWorkload headB = queues.get(other).peekFirst();
    Workload a = headA.workload();
    Workload b = headB.workload();
    int byPriority = Integer.compare(b.priority(), a.priority());
    if (byPriority != 0) {
      return byPriority < 0;
    }
    // Guaranteed before borrowing, even before starving borrowers: a starving job that would
    // borrow takes resources that a reclaim has just freed and is reclaimed again, for ever.
    boolean aGuaranteed = guaranteed(queue, book);
    boolean bGuaranteed = guaranteed(other, book);
    if (aGuaranteed != bGuaranteed) {
      return aGuaranteed;
    }
    boolean aStarving = order.starving(headA);
    if (aStarving != order.starving(headB)) {
      return aStarving;
    }
    if (aStarving) {
      return PendingOrder.arrival(a, b) < 0;
    }
    int byShare = Double.compare(book.weightedShare(queue), book.weightedShare(other));
    if (byShare != 0) {
      return byShare < 0;
    }
    return queue.compareTo(other) < 0;
  }
}
