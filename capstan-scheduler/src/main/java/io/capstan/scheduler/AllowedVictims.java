package io.capstan.scheduler;

import io.capstan.scheduler.cluster.PodAllocation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The running workloads that a kind of candidate may preempt, in victim order, and the future
 * snapshot without all of them; for one cycle's preemptible workloads and borrowing queues. Which
 * ones are allowed depends on the candidate's queue, priority and level of attained service, on
 * whether it reclaims nominal quota and on which queues borrow, not on its gang: a choice of groups
 * of running workloads by queue and priority ({@link VictimGroups}), made once per kind.
 */
final class AllowedVictims {
  private final Instant now;

  /** The cycle's preemptible workloads by queue and priority, grouped when first needed. */
  private final List<RunningWorkload> running;

  private VictimGroups groups;

  /** Workloads chosen as victims since: no longer allowed. */
  private final Set<RunningWorkload> stopped;

  private final Map<Kind, VictimGroups.Choice> choices = new HashMap<>();
  private final Map<Kind, WorkingSnapshot> released = new HashMap<>();
  private final Map<Kind, VictimBound.Largest> largest = new HashMap<>();

  /** The snapshot that {@link #released} releases from. */
  private WorkingSnapshot releasedFrom;

  /**
   * @param running running workloads that are not terminating and not yet chosen as victims
   */
  AllowedVictims(List<RunningWorkload> running, Instant now) {
    this(List.copyOf(running), null, Collections.newSetFromMap(new IdentityHashMap<>()), now);
  }

  private AllowedVictims(
      List<RunningWorkload> running,
      VictimGroups groups,
      Set<RunningWorkload> stopped,
      Instant now) {
    this.running = running;
    this.groups = groups;
    this.stopped = stopped;
    this.now = now;
  }

  /**
   * The same running workloads for a quota book whose borrowing queues changed: the victim order
   * holds, the choices of allowed victims do not.
   */
  AllowedVictims renewed() {
    return new AllowedVictims(running, groups, stopped, now);
  }

  /**
   * After a preemption: without the {@code stopped} workloads, for the future snapshot that went
   * from {@code before} to {@code after} by releasing them and claiming {@code placement} for
   * {@code candidate}. The victim order holds. While no queue starts or stops borrowing, each
   * kind's allowed victims are the same but for the stopped ones, and its snapshot without them
   * changes as the future did: releasing and allocating commute.
   */
  AllowedVictims without(
      List<RunningWorkload> stopped,
      WorkingSnapshot before,
      WorkingSnapshot after,
      Workload candidate,
      List<PodAllocation> placement) {
    Set<RunningWorkload> gone = Collections.newSetFromMap(new IdentityHashMap<>());
    gone.addAll(this.stopped);
    gone.addAll(stopped);
    AllowedVictims next = new AllowedVictims(running, groups, gone, now);
    if (!sameBorrowing(before.book(), after.book())) {
      return next;
    }
    next.choices.putAll(choices);
    // A bound over more victims is weaker, never wrong: it only spares searches that would fail.
    next.largest.putAll(largest);
    if (before == releasedFrom) {
      released.forEach(
          (kind, snapshot) ->
              next.released.put(
                  kind,
                  snapshot
                      .withReleased(notAmong(stopped, choices.get(kind)))
                      .withAllocated(candidate, placement)));
      next.releasedFrom = after;
    }
    return next;
  }

  /**
   * The {@code stopped} workloads not allowed by {@code choice}: still held without its victims.
   */
  private List<RunningWorkload> notAmong(
      List<RunningWorkload> stopped, VictimGroups.Choice choice) {
    List<RunningWorkload> held = new ArrayList<>();
    for (RunningWorkload workload : stopped) {
      if (!groups.contains(choice, workload)) {
        held.add(workload);
      }
    }
    return held;
  }

  private static boolean sameBorrowing(QuotaBook before, QuotaBook after) {
    for (String queue : before.queueNames()) {
      if (before.isBorrowing(queue) != after.isBorrowing(queue)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The victims {@code pending} may preempt, in victim order, read as far as the caller goes.
   *
   * @param book quota usage, whose borrowing queues must be those of every earlier call
   */
  Iterator<RunningWorkload> inOrder(PendingWorkload pending, QuotaBook book) {
    return groups().inOrder(choice(pending, book), stopped);
  }

  /** All of {@link #inOrder}. */
  List<RunningWorkload> of(PendingWorkload pending, QuotaBook book) {
    List<RunningWorkload> victims = new ArrayList<>();
    inOrder(pending, book).forEachRemaining(victims::add);
    return victims;
  }

  /**
   * {@link VictimBound#mayFreeEnough} for the victims {@code pending} may preempt. What a victim
   * holds depends only on which nodes a snapshot has, the same for every snapshot of a cycle; the
   * budget left only shrinks during a cycle.
   */
  boolean mayFreeEnough(PendingWorkload pending, WorkingSnapshot future, int budget) {
    VictimBound.Largest bound =
        largest.computeIfAbsent(
            kind(pending, future.book()),
            kind -> groups().largest(choice(pending, future.book()), future, budget));
    return bound.mayFreeEnough(pending.workload(), future, budget);
  }

  /** {@code future} without any of the victims that {@code pending} may preempt. */
  WorkingSnapshot releasedAll(PendingWorkload pending, WorkingSnapshot future) {
    if (future != releasedFrom) {
      released.clear();
      releasedFrom = future;
    }
    return released.computeIfAbsent(
        kind(pending, future.book()), kind -> future.withReleased(of(pending, future.book())));
  }

  /**
   * {@code before} became {@code after} by claiming {@code placement} for {@code workload}: the
   * snapshots without the victims claim it too, as allocating and releasing commute.
   */
  void claimed(
      WorkingSnapshot before,
      WorkingSnapshot after,
      Workload workload,
      List<PodAllocation> placement) {
    if (before == releasedFrom) {
      released.replaceAll((kind, snapshot) -> snapshot.withAllocated(workload, placement));
      releasedFrom = after;
    }
  }

  private VictimGroups groups() {
    if (groups == null) {
      groups = VictimGroups.of(running, now);
    }
    return groups;
  }

  private Kind kind(PendingWorkload pending, QuotaBook book) {
    Workload candidate = pending.workload();
    return new Kind(
        candidate.queue(),
        candidate.priority(),
        PendingOrder.lasLevel(pending.attainedGpuSeconds()),
        !book.wouldBorrow(candidate.queue(), candidate.total()));
  }

  private VictimGroups.Choice choice(PendingWorkload pending, QuotaBook book) {
    return choices.computeIfAbsent(kind(pending, book), kind -> choose(kind, book));
  }

  /**
   * Lower-priority work of the candidate's queue; in a least-attained-service queue, its work of
   * the same priority that demotion allows ({@link PreemptionPlanner#demoted}); when it reclaims
   * nominal quota, also lower-priority work of other queues and all work of borrowing queues. Never
   * preempt to let a queue borrow.
   */
  private VictimGroups.Choice choose(Kind kind, QuotaBook book) {
    boolean las = book.spec(kind.queue()).policy() == OrderingPolicy.LAS;
    List<VictimGroups.Group> whole = new ArrayList<>();
    VictimGroups.Group demoting = null;
    for (VictimGroups.Group group : groups().groups()) {
      boolean sameQueue = group.queue().equals(kind.queue());
      boolean lowerPriority = group.priority() < kind.priority();
      if (sameQueue && group.priority() == kind.priority()) {
        demoting = las ? group : null;
      } else if (kind.reclaiming()
          ? lowerPriority || (!sameQueue && book.isBorrowing(group.queue()))
          : sameQueue && lowerPriority) {
        whole.add(group);
      }
    }
    return new VictimGroups.Choice(whole, demoting, kind.serviceLevel() + 1);
  }

  /** What decides which victims a candidate may preempt, besides the borrowing queues. */
  private record Kind(String queue, int priority, int serviceLevel, boolean reclaiming) {}
}
