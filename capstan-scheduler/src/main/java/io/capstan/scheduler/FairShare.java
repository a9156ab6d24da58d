package io.capstan.scheduler;

import io.capstan.scheduler.cluster.ResourceAmounts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Interleaves the queues' ordered pending workloads into one candidate sequence: queues with work
 * that stays within their nominal quota first (guaranteed before borrowing, whatever the priority,
 * as Kueue orders), then the highest priority head, then starving heads (oldest first), then the
 * lowest weighted dominant share, then the queue name.
 */
final class FairShare {
  /** The queues with pending workloads, by name; arrays below are by the same position. */
  private final String[] queues;

  private final List<List<PendingWorkload>> pending = new ArrayList<>();

  /** Each queue's position of its head in {@link #pending}. */
  private final int[] heads;

  /**
   * Per queue, the smallest remaining demand in each dimension, from each position to the end: a
   * queue whose head would borrow but which holds a smaller job within its nominal quota still
   * ranks as guaranteed, so that the small job gets what its reclaim frees.
   */
  private final ResourceAmounts[][] smallestFrom;

  private final PendingOrder order;

  /** Each queue's rank for {@link #rankedFor}, computed when first needed; null when not yet. */
  private final Rank[] ranks;

  private QuotaBook rankedFor;

  /** {@code ordered}: each queue's pending workloads, already in its own order. */
  FairShare(Map<String, List<PendingWorkload>> ordered, PendingOrder order) {
    this.order = order;
    List<String> names =
        ordered.entrySet().stream()
            .filter(entry -> !entry.getValue().isEmpty())
            .map(Map.Entry::getKey)
            .sorted()
            .toList();
    queues = names.toArray(new String[0]);
    smallestFrom = new ResourceAmounts[queues.length][];
    for (int i = 0; i < queues.length; i++) {
      pending.add(ordered.get(queues[i]));
      smallestFrom[i] = smallestFrom(pending.get(i));
    }
    heads = new int[queues.length];
    ranks = new Rank[queues.length];
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

  /** Whether some remaining workload of queue {@code at} may stay within its nominal quota. */
  private boolean guaranteed(int at, QuotaBook book) {
    return !book.wouldBorrow(queues[at], smallestFrom[at][heads[at]]);
  }

  /** Takes the next candidate given the usage admitted so far; shares change as it grows. */
  Optional<PendingWorkload> next(QuotaBook book) {
    if (book != rankedFor) {
      // Shares and guarantees changed with the usage: every queue's rank may have.
      Arrays.fill(ranks, null);
      rankedFor = book;
    }
    int best = -1;
    for (int at = 0; at < queues.length; at++) {
      if (heads[at] == pending.get(at).size()) {
        continue;
      }
      if (ranks[at] == null) {
        ranks[at] = rank(at, book);
      }
      if (best < 0 || ranks[at].before(ranks[best])) {
        best = at;
      }
    }
    if (best < 0) {
      return Optional.empty();
    }
    PendingWorkload head = pending.get(best).get(heads[best]++);
    // Only this queue's head changed: the other ranks hold while the book does.
    ranks[best] = null;
    return Optional.of(head);
  }

  private Rank rank(int at, QuotaBook book) {
    PendingWorkload head = pending.get(at).get(heads[at]);
    String queue = queues[at];
    return new Rank(
        queue, head, guaranteed(at, book), order.starving(head), book.weightedShare(queue));
  }

  /** What orders a queue's head against the others', for one quota book. */
  private record Rank(
      String queue, PendingWorkload head, boolean guaranteed, boolean starving, double share) {
    boolean before(Rank other) {
      // Guaranteed before borrowing, even before higher-priority or starving borrowers: a job
      // that would borrow takes resources that a reclaim has just freed and is reclaimed again,
      // for ever (decisions 26 and 62).
      if (guaranteed != other.guaranteed) {
        return guaranteed;
      }
      Workload a = head.workload();
      Workload b = other.head.workload();
      int byPriority = Integer.compare(b.priority(), a.priority());
      if (byPriority != 0) {
        return byPriority < 0;
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
