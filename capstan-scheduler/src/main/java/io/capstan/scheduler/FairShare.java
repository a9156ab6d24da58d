package io.capstan.scheduler;

import io.capstan.scheduler.cluster.ResourceAmounts;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
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

  /** Each queue's rank for {@link #rankedFor}, computed when first needed. */
  private final Map<String, Rank> ranks = new HashMap<>();

  private QuotaBook rankedFor;

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
    if (book != rankedFor) {
      // Shares and guarantees changed with the usage: every queue's rank may have.
      ranks.clear();
      rankedFor = book;
    }
    Rank best = null;
    for (String queue : queues.keySet()) {
      Rank rank = ranks.get(queue);
      if (rank == null) {
        rank = rank(queue, book);
        ranks.put(queue, rank);
      }
      if (best == null || rank.before(best)) {
        best = rank;
      }
    }
    if (best == null) {
      return Optional.empty();
    }
    Deque<PendingWorkload> pending = queues.get(best.queue());
    PendingWorkload head = pending.removeFirst();
    // Only this queue's head changed: the other ranks hold while the book does.
    ranks.remove(best.queue());
    if (pending.isEmpty()) {
      queues.remove(best.queue());
    }
    return Optional.of(head);
  }

  private Rank rank(String queue, QuotaBook book) {
    PendingWorkload head = queues.get(queue).peekFirst();
    return new Rank(
        queue, head, guaranteed(queue, book), order.starving(head), book.weightedShare(queue));
  }

  /** What orders a queue's head against the others', for one quota book. */
  private record Rank(
      String queue, PendingWorkload head, boolean guaranteed, boolean starving, double share) {
    boolean before(Rank other) {
      Workload a = head.workload();
      Workload b = other.head.workload();
      int byPriority = Integer.compare(b.priority(), a.priority());
      if (byPriority != 0) {
        return byPriority < 0;
      }
      // Guaranteed before borrowing, even before starving borrowers: a starving job that would
      // borrow takes resources that a reclaim has just freed and is reclaimed again, for ever.
      if (guaranteed != other.guaranteed) {
        return guaranteed;
      }
      if (starving != other.starving) {
        return starving;
      }
      if (starving) {
        return PendingOrder.arrival(a, b) < 0;
      }
      int byShare = Double.compare(share, other.share);
      if (byShare != 0) {
        return byShare < 0;
      }
      return queue.compareTo(other.queue) < 0;
    }
  }
}
