package io.capstan.scheduler;

import io.capstan.scheduler.cluster.ResourceAmounts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The planner's greedy choice: allowed victims in victim order, a reclaim victim only while its
 * queue still borrows once the victims before it are gone, up to the first one that lets the
 * candidate fit. Fitting only gets easier as victims go (the monotonicity the planner's bounds rely
 * on), so a galloping search finds that prefix with O(log n) fit tests instead of one per victim;
 * the sequence itself needs only the quota book, not the nodes.
 */
final class GreedyVictims {
  private final PendingWorkload pending;
  private final WorkingSnapshot future;
  private final Iterator<RunningWorkload> allowed;
  private final Instant now;
  private final Predicate<WorkingSnapshot> fits;
  private final List<RunningWorkload> sequence = new ArrayList<>();

  /** Quota usage before any victim is gone. */
  private final QuotaBook book;

  /** Per queue, what the victims of {@link #sequence} release: a book per victim costs more. */
  private final Map<String, ResourceAmounts> released = new HashMap<>();

  /**
   * @param allowed the allowed victims in victim order
   * @param fits whether the candidate fits a snapshot
   */
  GreedyVictims(
      PendingWorkload pending,
      WorkingSnapshot future,
      Iterator<RunningWorkload> allowed,
      Instant now,
      Predicate<WorkingSnapshot> fits) {
    this.pending = pending;
    this.future = future;
    this.allowed = allowed;
    this.now = now;
    this.fits = fits;
    this.book = future.book();
  }

  /** The shortest prefix of the sequence that lets the candidate fit; empty when none does. */
  List<RunningWorkload> choose() {
    // Without the victims of the longest prefix known not to fit: each test releases only more.
    int failed = 0;
    WorkingSnapshot withoutFailed = future;
    for (int probe = 1; ; probe *= 2) {
      boolean exhausted = !extendTo(probe);
      int length = sequence.size();
      if (length > failed) {
        WorkingSnapshot trial = without(withoutFailed, failed, length);
        if (fits.test(trial)) {
          return new ArrayList<>(
              sequence.subList(0, shortestFitting(failed, withoutFailed, length)));
        }
        failed = length;
        withoutFailed = trial;
      }
      if (exhausted) {
        return List.of();
      }
    }
  }

  /**
   * As {@link #choose()}, for a gang whose fit tests {@code room} answers: one victim at a time,
   * each test costing only the victim's nodes. {@code room} is left without the chosen victims.
   */
  List<RunningWorkload> choose(UniformGangRoom room) {
    while (extendTo(sequence.size() + 1)) {
      room.release(sequence.get(sequence.size() - 1));
      if (room.admits()) {
        return new ArrayList<>(sequence);
      }
    }
    return List.of();
  }

  /**
   * The shortest fitting length above {@code failed}, which does not fit; {@code fitting} does.
   *
   * @param withoutFailed the future without the first {@code failed} victims
   */
  private int shortestFitting(int failed, WorkingSnapshot withoutFailed, int fitting) {
    while (fitting - failed > 1) {
      int middle = (failed + fitting) >>> 1;
      WorkingSnapshot trial = without(withoutFailed, failed, middle);
      if (fits.test(trial)) {
        fitting = middle;
      } else {
        failed = middle;
        withoutFailed = trial;
      }
    }
    return fitting;
  }

  /**
   * {@code snapshot}, without the first {@code from} victims, also without those up to {@code to}.
   */
  private WorkingSnapshot without(WorkingSnapshot snapshot, int from, int to) {
    return snapshot.withReleased(sequence.subList(from, to));
  }

  /** Whether {@code queue} still borrows once the victims of the sequence are gone. */
  private boolean isBorrowing(String queue) {
    ResourceAmounts gone = released.get(queue);
    return gone == null ? book.isBorrowing(queue) : book.wouldBorrow(queue, gone.times(-1));
  }

  /** Takes victims until the sequence has {@code length}; false when they run out first. */
  private boolean extendTo(int length) {
    Workload candidate = pending.workload();
    while (sequence.size() < length) {
      if (!allowed.hasNext()) {
        return false;
      }
      RunningWorkload victim = allowed.next();
      Workload workload = victim.workload();
      boolean lowerPriority = workload.priority() < candidate.priority();
      // A reclaim victim must still be borrowing once the victims before it are gone.
      if (lowerPriority
          || PreemptionPlanner.demoted(victim, pending, book, now)
          || isBorrowing(workload.queue())) {
        sequence.add(victim);
        released.merge(workload.queue(), workload.total(), ResourceAmounts::add);
      }
    }
    return true;
  }
}
