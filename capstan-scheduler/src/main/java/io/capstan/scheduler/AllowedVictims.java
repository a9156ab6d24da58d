package io.capstan.scheduler;

import io.capstan.scheduler.cluster.PodAllocation;
import io.capstan.scheduler.cluster.ResourceAmounts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The running workloads that a kind of candidate may preempt, in victim order, and the future
 * snapshot without all of them; for one cycle's preemptible workloads and borrowing queues. Which
 * ones are allowed depends on the candidate's queue, priority and level of attained service, on
 * whether it reclaims nominal quota and on which queues borrow, not on its gang: candidates alike
 * in all that share one list, sorted once.
 */
final class AllowedVictims {
  /** Lowest priority first, then the most recently started (least work lost), then smallest. */
  private static final Comparator<Victim> VICTIM_ORDER =
      Comparator.<Victim>comparingInt(v -> v.running().workload().priority())
          .thenComparing(v -> v.running().startedAt(), Comparator.reverseOrder())
          .thenComparingLong(v -> v.total().gpuMilli())
          .thenComparingLong(v -> v.total().cpuMillis())
          .thenComparing(v -> v.running().workload().id());

  /** The running workloads in victim order, sorted when first needed. */
  private List<Victim> ordered;

  private final List<RunningWorkload> running;
  private final Instant now;
  private final Map<Kind, List<RunningWorkload>> allowed = new HashMap<>();
  private final Map<Kind, WorkingSnapshot> released = new HashMap<>();
  private final Map<Kind, VictimBound.Largest> largest = new HashMap<>();

  /** The snapshot that {@link #released} releases from. */
  private WorkingSnapshot releasedFrom;

  /**
   * @param running running workloads that are not terminating and not yet chosen as victims
   */
  AllowedVictims(List<RunningWorkload> running, Instant now) {
    this(List.copyOf(running), null, now);
  }

  private AllowedVictims(List<RunningWorkload> running, List<Victim> ordered, Instant now) {
    this.running = running;
    this.ordered = ordered;
    this.now = now;
  }

  /**
   * The same running workloads for a quota book whose borrowing queues changed: the victim order
   * holds, the lists of allowed victims do not.
   */
  AllowedVictims renewed() {
    return new AllowedVictims(running, ordered, now);
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
    Set<String> ids = new HashSet<>();
    stopped.forEach(workload -> ids.add(workload.workload().id()));
    AllowedVictims next =
        new AllowedVictims(
            rest(running, ids, workload -> workload),
            ordered == null ? null : rest(ordered, ids, Victim::running),
            now);
    if (!sameBorrowing(before.book(), after.book())) {
      return next;
    }
    // A bound over more victims is weaker, never wrong: it only spares searches that would fail.
    next.largest.putAll(largest);
    boolean keepReleased = before == releasedFrom;
    allowed.forEach(
        (kind, victims) -> {
          List<RunningWorkload> rest = rest(victims, ids, workload -> workload);
          next.allowed.put(kind, rest);
          WorkingSnapshot snapshot = released.get(kind);
          if (keepReleased && snapshot != null) {
            next.released.put(
                kind,
                snapshot
                    .withReleased(notAmong(stopped, victims, rest))
                    .withAllocated(candidate, placement));
          }
        });
    if (keepReleased) {
      next.releasedFrom = after;
    }
    return next;
  }

  /**
   * The {@code stopped} workloads that were not among {@code victims}: still held on the snapshot
   * without the victims. {@code rest} is {@code victims} without the stopped ones.
   */
  private static List<RunningWorkload> notAmong(
      List<RunningWorkload> stopped, List<RunningWorkload> victims, List<RunningWorkload> rest) {
    if (victims.size() - rest.size() == stopped.size()) {
      return List.of();
    }
    Set<String> kept = new HashSet<>();
    victims.forEach(workload -> kept.add(workload.workload().id()));
    List<RunningWorkload> held = new ArrayList<>();
    for (RunningWorkload workload : stopped) {
      if (!kept.contains(workload.workload().id())) {
        held.add(workload);
      }
    }
    return held;
  }

  private static <T> List<T> rest(
      List<T> workloads, Set<String> ids, Function<T, RunningWorkload> running) {
    List<T> rest = new ArrayList<>(workloads.size());
    for (T workload : workloads) {
      if (!ids.contains(running.apply(workload).workload().id())) {
        rest.add(workload);
      }
    }
    return Collections.unmodifiableList(rest);
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
   * The victims {@code pending} may preempt, in victim order.
   *
   * @param book quota usage, whose borrowing queues must be those of every earlier call
   */
  List<RunningWorkload> of(PendingWorkload pending, QuotaBook book) {
    return allowed.computeIfAbsent(kind(pending, book), kind -> find(pending, book, kind));
  }

  /**
   * {@link VictimBound#mayFreeEnough} for the victims {@code pending} may preempt. What a victim
   * holds depends only on which nodes a snapshot has, the same for every snapshot of a cycle.
   */
  boolean mayFreeEnough(PendingWorkload pending, WorkingSnapshot future, int budget) {
    VictimBound.Largest bound =
        largest.computeIfAbsent(
            kind(pending, future.book()),
            kind -> new VictimBound.Largest(future, of(pending, future.book())));
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

  private Kind kind(PendingWorkload pending, QuotaBook book) {
    Workload candidate = pending.workload();
    return new Kind(
        candidate.queue(),
        candidate.priority(),
        PendingOrder.lasLevel(pending.attainedGpuSeconds()),
        !book.wouldBorrow(candidate.queue(), candidate.total()));
  }

  private List<RunningWorkload> find(PendingWorkload pending, QuotaBook book, Kind kind) {
    Workload candidate = pending.workload();
    // The demotion test of PreemptionPlanner.demoted, its parts that depend on the victim alone
    // taken from Victim: this loop runs over every running workload once per kind.
    boolean las = book.spec(candidate.queue()).policy() == OrderingPolicy.LAS;
    Map<String, Boolean> borrowing = new HashMap<>();
    List<RunningWorkload> victims = new ArrayList<>();
    // Filtering keeps the order: the running workloads are sorted once, not once per kind.
    for (Victim victim : ordered()) {
      Workload workload = victim.running().workload();
      boolean sameQueue = workload.queue().equals(candidate.queue());
      boolean lowerPriority = workload.priority() < candidate.priority();
      boolean allowed;
      if (sameQueue
          && las
          && workload.priority() == candidate.priority()
          && victim.demotionLevel() > kind.serviceLevel()) {
        allowed = true;
      } else if (!kind.reclaiming()) {
        // Never preempt to let a queue borrow: only its own lower-priority work may make room.
        allowed = sameQueue && lowerPriority;
      } else {
        allowed =
            lowerPriority
                || (!sameQueue && borrowing.computeIfAbsent(workload.queue(), book::isBorrowing));
      }
      if (allowed) {
        victims.add(victim.running());
      }
    }
    return Collections.unmodifiableList(victims);
  }

  private List<Victim> ordered() {
    if (ordered == null) {
      List<Victim> victims = new ArrayList<>(running.size());
      for (RunningWorkload workload : running) {
        victims.add(
            new Victim(workload, workload.workload().total(), demotionLevel(workload, now)));
      }
      victims.sort(VICTIM_ORDER);
      ordered = victims;
    }
    return ordered;
  }

  /**
   * The level of attained service by which least-attained-service demotion compares {@code running}
   * ({@link PreemptionPlanner#demoted}), or -1 while it has not run long enough to be demoted.
   */
  private static int demotionLevel(RunningWorkload running, Instant now) {
    if (Duration.between(running.startedAt(), now).compareTo(PreemptionPlanner.minimumRun(running))
        < 0) {
      return -1;
    }
    return PendingOrder.lasLevel(running.attainedGpuSeconds(now));
  }

  /** What decides which victims a candidate may preempt, besides the borrowing queues. */
  private record Kind(String queue, int priority, int serviceLevel, boolean reclaiming) {}

  /**
   * A running workload with what {@link #find} and sorting read of it, computed once.
   *
   * @param demotionLevel its level of attained service, -1 while too short a run to be demoted
   */
  private record Victim(RunningWorkload running, ResourceAmounts total, int demotionLevel) {}
}
