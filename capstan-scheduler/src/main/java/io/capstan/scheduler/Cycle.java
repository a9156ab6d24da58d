package io.capstan.scheduler;

import io.capstan.scheduler.cluster.NodeSpec;
import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodAllocation;
import io.capstan.scheduler.cluster.ResourceAmounts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One scheduling cycle in phases: snapshot, nominate, order, then for each candidate admit,
 * backfill, wait for terminating work, or preempt; a reason for everything not admitted.
 */
final class Cycle {
  private final SchedulerConfig config;
  private final NeverFits neverFits;
  private NeverFits.Cluster emptyCluster;
  private final PreemptionPlanner planner;
  private final SchedulerState state;
  private final PendingOrder order;
  private final Instant now;
  private final List<NodeSpec> nodeSpecs = new ArrayList<>();
  private final List<RunningWorkload> terminating = new ArrayList<>();
  private final List<Admission> admitted = new ArrayList<>();
  private final List<Preemption> preemptions = new ArrayList<>();

  /** Gangs quota admits that no free room holds and that claim nothing being freed. */
  private final List<Workload> unplaceable = new ArrayList<>();

  /** The ids of the workloads given a reason, and their reasons, in the order given. */
  private final List<String> explained;

  private final List<PendingReason> reasons;
  private final ReasonMemo reasonTexts = new ReasonMemo();

  /** Per queue, how many of its candidates came before: the jobs ahead of the next one. */
  private final Map<String, Integer> taken = new HashMap<>();

  /** The placer's answers on {@link #working}. */
  private final PlacementMemo placedNow = new PlacementMemo();

  /** The placer's answers on {@link #future}. */
  private final PlacementMemo placedLater = new PlacementMemo();

  /** Per queue, how many of its preemption searches failed this cycle. */
  private final Map<String, Integer> failedSearches = new HashMap<>();

  /** Who found no preemption plan on {@link #future}: by queue, priority and service level. */
  private final PlanFailures<PlanKind> noPlan = new PlanFailures<>();

  /** Who may be preempted, for the borrowing queues of {@link #future}. */
  private AllowedVictims victims;

  /** The nodes and quota now, with this cycle's admissions. */
  private WorkingSnapshot working;

  /** As {@link #working} once every terminating workload is gone, with waiting claims on it. */
  private WorkingSnapshot future;

  /** The first candidate the nodes could not hold: later ones must not delay it. */
  private Workload head;

  /** Whether the head's gang is claimed on {@link #future}, so it only waits for terminations. */
  private boolean headClaimed;

  /** The first candidate that claimed resources being freed. */
  private Workload firstClaimant;

  /** Per queue, what its candidates claimed on {@link #future} this cycle. */
  private final Map<String, ResourceAmounts> claims = new TreeMap<>();

  Cycle(
      SchedulerConfig config,
      NeverFits neverFits,
      PreemptionPlanner planner,
      SchedulerState state,
      Instant now) {
    this.config = config;
    this.neverFits = neverFits;
    this.planner = planner;
    this.state = state;
    this.order = new PendingOrder(now, config.starvationAge(), config.starvationFactor());
    this.now = now;
    this.explained = new ArrayList<>(state.pending().size());
    this.reasons = new ArrayList<>(state.pending().size());
  }

  CycleResult run() {
    snapshot();
    Map<String, List<PendingWorkload>> ordered = nominate();
    Map<String, List<PendingWorkload>> considered = new TreeMap<>();
    ordered.forEach(
        (queue, pending) ->
            considered.put(
                queue, pending.subList(0, Math.min(config.queueDepth(), pending.size()))));
    FairShare candidates = new FairShare(considered, order);
    for (Optional<PendingWorkload> next = candidates.next(working.book());
        next.isPresent();
        next = candidates.next(working.book())) {
      PendingWorkload pending = next.get();
      consider(pending, taken.merge(pending.workload().queue(), 1, Integer::sum) - 1);
    }
    // Past the depth, on the cycle's final state: what the others took is taken for them too.
    DeferredReasons rest =
        new DeferredReasons(
            emptyCluster,
            working.book(),
            working.free(),
            config.backfill() ? null : head,
            config.queueDepth());
    List<List<PendingWorkload>> deferred = new ArrayList<>();
    ordered.forEach(
        (queue, pending) -> {
          if (pending.size() > config.queueDepth()) {
            deferred.add(pending.subList(config.queueDepth(), pending.size()));
          }
        });
    return new CycleResult(
        admitted, preemptions, new ReasonMap(explained, reasons, deferred, rest), unplaceable);
  }

  /** Phase 1: the working and the future snapshots. */
  private void snapshot() {
    ResourceAmounts capacity = ResourceAmounts.ZERO;
    for (NodeState node : state.nodes()) {
      nodeSpecs.add(node.spec());
      capacity = capacity.add(node.spec().capacity());
    }
    emptyCluster = neverFits.on(nodeSpecs, state.queues());
    QuotaBook book = QuotaBook.of(state.queues(), capacity, state.running());
    working = WorkingSnapshot.of(state.nodes(), book);
    future = working;
    List<RunningWorkload> preemptible = new ArrayList<>();
    for (RunningWorkload running : state.running()) {
      if (running.terminating()) {
        terminating.add(running);
        future = future.withReleased(running);
      } else {
        preemptible.add(running);
      }
    }
    victims = new AllowedVictims(preemptible, now);
  }

  /** Phases 2 and 3: pending workloads by queue, each queue in its own order. */
  private Map<String, List<PendingWorkload>> nominate() {
    Map<String, List<PendingWorkload>> byQueue = new HashMap<>();
    for (PendingWorkload pending : state.pending()) {
      String queue = pending.workload().queue();
      if (!working.book().hasQueue(queue)) {
        explain(pending.workload(), PendingReason.of(PendingReasons.unknownQueue(queue)));
        continue;
      }
      byQueue.computeIfAbsent(queue, q -> new ArrayList<>()).add(pending);
    }
    byQueue.forEach(
        (queue, pending) ->
            order.sortFirst(pending, state.queues().get(queue).policy(), config.queueDepth()));
    return new TreeMap<>(byQueue);
  }

  /**
   * Phase 4: admit, backfill, wait for terminating work, or preempt.
   *
   * @param jobsAhead candidates of its queue considered before it
   */
  private void consider(PendingWorkload pending, int jobsAhead) {
    Workload candidate = pending.workload();
    if (head != null && !config.backfill()) {
      // Strict order: nothing passes the first gang the nodes cannot hold.
      explain(candidate, new PendingReason.Behind(head, candidate));
      return;
    }
    boolean quotaAdmits = working.book().admits(candidate.queue(), candidate.total());
    if (quotaAdmits) {
      Optional<List<PodAllocation>> placement = place(working, placedNow, candidate);
      if (placement.isPresent()) {
        Optional<Workload> delayed = delays(candidate, placement.get());
        if (delayed.isPresent()) {
          explain(candidate, new PendingReason.Behind(delayed.get(), candidate));
        } else if (!future.book().admits(candidate.queue(), candidate.total())) {
          // It would borrow quota that claimants wait for, on nodes they do not need: they start
          // once their victims stop, and it would be reclaimed again (decision 62).
          explain(
              candidate,
              PendingReason.of(PendingReasons.heldForClaims(candidate, future.book(), claims)));
        } else {
          admit(candidate, placement.get());
        }
        return;
      }
    }
    Optional<String> never = emptyCluster.check(candidate);
    if (never.isPresent()) {
      // It can never run here: it holds no reservation and preempts nobody; more nodes may hold it.
      explain(candidate, PendingReason.of(never.get()));
      if (quotaAdmits) {
        unplaceable.add(candidate);
      }
      return;
    }
    boolean claimed = waitForTerminating(candidate) || preempt(pending);
    if (!claimed && quotaAdmits) {
      unplaceable.add(candidate);
    }
    if (!claimed) {
      explain(
          candidate,
          quotaAdmits
              ? reasonTexts.resources(candidate, working)
              : reasonTexts.quota(candidate, working.book(), jobsAhead));
    }
    if (quotaAdmits && head == null) {
      // Quota-blocked candidates never block others; only a gang the nodes cannot hold does.
      head = candidate;
      headClaimed = claimed;
    }
  }

  /** The waiting workload this admission would delay, if any. */
  private Optional<Workload> delays(Workload candidate, List<PodAllocation> placement) {
    if (!future.canHold(placement)) {
      // It would take resources being freed for a waiting gang.
      return Optional.of(firstClaimant != null ? firstClaimant : head);
    }
    if (head != null && !headClaimed) {
      // The head waits for running work to finish: backfill only into capacity it cannot use.
      ResourceAmounts spare = working.free().subtract(head.total()).clampToZero();
      if (!candidate.total().fitsIn(spare)) {
        return Optional.of(head);
      }
    }
    return Optional.empty();
  }

  private void admit(Workload candidate, List<PodAllocation> placement) {
    boolean borrowing = working.book().wouldBorrow(candidate.queue(), candidate.total());
    admitted.add(new Admission(candidate.id(), placement, borrowing));
    working = working.withAllocated(candidate, placement);
    placedNow.lostRoom();
    claimFuture(candidate, placement);
  }

  /** Allocates on {@link #future}: it only loses room, and its queue may start borrowing. */
  private void claimFuture(Workload candidate, List<PodAllocation> placement) {
    String queue = candidate.queue();
    WorkingSnapshot before = future;
    future = future.withAllocated(candidate, placement);
    placedLater.lostRoom();
    if (!before.book().isBorrowing(queue) && future.book().isBorrowing(queue)) {
      // Its running workloads may now be reclaimed: more victims are allowed than before.
      noPlan.changed();
      victims = victims.renewed();
    } else {
      // Less room and no new victims: failed preemption searches still fail (decision 35).
      victims.claimed(before, future, candidate, placement);
    }
  }

  /** Quota and placement on {@code snapshot}, remembering the placer's answer per shape. */
  private Optional<List<PodAllocation>> place(
      WorkingSnapshot snapshot, PlacementMemo placed, Workload candidate) {
    if (!snapshot.book().admits(candidate.queue(), candidate.total())) {
      return Optional.empty();
    }
    // The node checks depend on the gang alone, as the placer's answer does: remembered with it.
    return placed.place(
        candidate.pods(),
        candidate.checkpoints(),
        pods ->
            snapshot.mayHold(pods)
                ? PoolPreference.place(
                    config.placer(), pods, candidate.checkpoints(), snapshot.nodes())
                : Optional.empty());
  }

  /** Claims the gang on resources already being freed; no further preemption is needed. */
  private boolean waitForTerminating(Workload candidate) {
    if (terminating.isEmpty()) {
      return false;
    }
    Optional<List<PodAllocation>> placement = place(future, placedLater, candidate);
    if (placement.isEmpty()) {
      return false;
    }
    claimFuture(candidate, placement.get());
    claim(candidate, PendingReasons.waitingForStops(stoppingFor(placement.get())));
    return true;
  }

  private boolean preempt(PendingWorkload pending) {
    Workload candidate = pending.workload();
    int budget = config.maxPreemptionsPerCycle() - preemptions.size();
    if (budget <= 0) {
      return false;
    }
    // Demotion depends on the candidate's level of attained service, so it is part of the kind.
    PlanKind kind =
        new PlanKind(
            candidate.queue(),
            candidate.priority(),
            PendingOrder.lasLevel(pending.attainedGpuSeconds()));
    if (noPlan.contains(kind, candidate.pods())
        || failedSearches.getOrDefault(candidate.queue(), 0) >= config.failedSearchesPerQueue()) {
      return false;
    }
    Optional<PreemptionPlanner.Plan> plan = planner.plan(pending, future, victims, budget, now);
    if (plan.isEmpty()) {
      noPlan.add(kind, candidate.pods());
      failedSearches.merge(candidate.queue(), 1, Integer::sum);
      return false;
    }
    Set<String> stopping = new HashSet<>();
    for (Preemption preemption : plan.get().preemptions()) {
      preemptions.add(preemption);
      stopping.add(preemption.victimId());
    }
    terminating.addAll(plan.get().victims());
    // Victims' resources come free: the future gains room.
    WorkingSnapshot before = future;
    future = plan.get().after();
    victims =
        victims.without(plan.get().victims(), before, future, candidate, plan.get().placement());
    placedLater.changed();
    noPlan.changed();
    claim(candidate, PendingReasons.waitingForStops(stopping.size()));
    return true;
  }

  private void claim(Workload candidate, String reason) {
    explain(candidate, PendingReason.of(reason));
    claims.merge(candidate.queue(), candidate.total(), ResourceAmounts::add);
    if (firstClaimant == null) {
      firstClaimant = candidate;
    }
  }

  private void explain(Workload workload, PendingReason reason) {
    explained.add(workload.id());
    reasons.add(reason);
  }

  /** Terminating workloads on the nodes of the claimed placement, or all when none is there. */
  private int stoppingFor(List<PodAllocation> placement) {
    Set<String> nodes = new HashSet<>();
    placement.forEach(allocation -> nodes.add(allocation.node()));
    int count = 0;
    for (RunningWorkload running : terminating) {
      if (running.allocations().stream()
          .anyMatch(allocation -> nodes.contains(allocation.node()))) {
        count++;
      }
    }
    // Only quota was short (a CPU-only gang, say): every termination may be what it waits for.
    return count > 0 ? count : terminating.size();
  }

  /**
   * What a preemption plan depends on, besides the gang, the snapshot and the running workloads.
   */
  private record PlanKind(String queue, int priority, int serviceLevel) {}
}
