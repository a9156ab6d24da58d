package io.capstan.scheduler;

import io.capstan.scheduler.cluster.PodAllocation;
import io.capstan.scheduler.placement.GangPlacer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Chooses a small set of running workloads to stop gracefully so that a blocked candidate can
 * start: lower-priority workloads; for a queue reclaiming its nominal quota, workloads of other
 * queues that borrow; in a least-attained-service queue, workloads of the same queue and priority
 * that received a higher level of service (Tiresias' demotion). Never preempts other queues so that
 * a queue can borrow.
 */
final class PreemptionPlanner {
  /** A workload runs at least this long before least-attained-service demotion may stop it. */
  static final Duration MINIMUM_RUN = Duration.ofMinutes(10);

  private final GangPlacer placer;

  PreemptionPlanner(GangPlacer placer) {
    this.placer = placer;
  }

  /**
   * The victims and the snapshot after releasing them (the candidate's placement claimed on it).
   */
  record Plan(
      List<Preemption> preemptions,
      List<RunningWorkload> victims,
      List<PodAllocation> placement,
      WorkingSnapshot after) {
    Plan {
      preemptions = List.copyOf(preemptions);
      victims = List.copyOf(victims);
      placement = List.copyOf(placement);
    }
  }

  /**
   * A minimal sufficient plan, or none when none exists within {@code budget} preemptions.
   *
   * @param future the snapshot once every terminating workload is gone
   * @param victims who may be preempted, for the borrowing queues of {@code future}
   */
  Optional<Plan> plan(
      PendingWorkload pending,
      WorkingSnapshot future,
      AllowedVictims victims,
      int budget,
      Instant now) {
    if (budget <= 0) {
      return Optional.empty();
    }
    Workload candidate = pending.workload();
    QuotaBook book = future.book();
    Iterator<RunningWorkload> allowed = victims.inOrder(pending, book);
    // The bounds only return early what the search would find too: no plan within the budget.
    if (!allowed.hasNext() || !victims.mayFreeEnough(pending, future, budget)) {
      return Optional.empty();
    }
    GreedyVictims greedy =
        new GreedyVictims(pending, future, allowed, now, snapshot -> fits(candidate, snapshot));
    Optional<UniformGangRoom> room = UniformGangRoom.of(candidate, future);
    List<RunningWorkload> chosen;
    if (room.isPresent()) {
      // Tests cost a victim's nodes each: no need to rule out hopeless searches first.
      chosen = greedy.choose(room.get());
    } else if (fits(candidate, victims.releasedAll(pending, future))) {
      chosen = greedy.choose();
    } else {
      return Optional.empty();
    }
    if (chosen.isEmpty() || !VictimBound.mayFreeEnough(candidate, future, chosen, budget)) {
      return Optional.empty();
    }
    if (room.isPresent()) {
      minimize(room.get(), chosen, budget);
    } else {
      minimize(candidate, future, chosen, budget);
    }
    if (chosen.size() > budget) {
      return Optional.empty();
    }
    WorkingSnapshot after = release(future, chosen);
    List<PodAllocation> placement = after.admit(candidate, placer).orElseThrow();
    List<Preemption> preemptions = new ArrayList<>();
    for (RunningWorkload victim : chosen) {
      preemptions.add(
          new Preemption(
              victim.workload().id(), candidate.id(), reason(victim, pending, book, now)));
    }
    return Optional.of(
        new Plan(preemptions, chosen, placement, after.withAllocated(candidate, placement)));
  }

  /**
   * Tiresias' demotion: in a least-attained-service queue, a running workload of the candidate's
   * queue and priority that has run at least {@link #minimumRun} in its current run and received a
   * higher level of service than the candidate yields to it.
   */
  static boolean demoted(
      RunningWorkload victim, PendingWorkload pending, QuotaBook book, Instant now) {
    Workload workload = victim.workload();
    Workload candidate = pending.workload();
    return workload.queue().equals(candidate.queue())
        && workload.priority() == candidate.priority()
        && book.spec(workload.queue()).policy() == OrderingPolicy.LAS
        && PendingOrder.lasLevel(victim.attainedGpuSeconds(now))
            > PendingOrder.lasLevel(pending.attainedGpuSeconds())
        && Duration.between(victim.startedAt(), now).compareTo(minimumRun(victim)) >= 0;
  }

  /**
   * How long a run lasts before demotion may stop it: {@link #MINIMUM_RUN}, and at least as long as
   * all its earlier runs together, so that each run at least doubles a job's service. A job resumed
   * after waiting (or promoted as starving) is not demoted again ten minutes later, a job is
   * preempted O(log(run time)) times, and the time lost to grace periods and restarts stays a
   * bounded share of its run.
   */
  static Duration minimumRun(RunningWorkload victim) {
    long gpuMilli = victim.workload().total().gpuMilli();
    if (gpuMilli <= 0) {
      return MINIMUM_RUN;
    }
    Duration earlier =
        Duration.ofMillis(Math.round(victim.attainedGpuSecondsBefore() * 1_000_000 / gpuMilli));
    return earlier.compareTo(MINIMUM_RUN) > 0 ? earlier : MINIMUM_RUN;
  }

  /**
   * Drops each victim, in order, that the candidate fits without; stops once more than {@code
   * budget} are kept, as the plan is then over budget whatever follows.
   */
  private void minimize(
      Workload candidate, WorkingSnapshot future, List<RunningWorkload> chosen, int budget) {
    // Releasing all the chosen but one equals releasing all and restoring that one: one step each.
    WorkingSnapshot released = release(future, chosen);
    Optional<List<PodAllocation>> placement = released.admit(candidate, placer);
    int kept = 0;
    for (RunningWorkload victim : List.copyOf(chosen)) {
      if (chosen.size() == 1 || kept > budget) {
        return;
      }
      WorkingSnapshot without = released.withRestored(victim);
      Optional<List<PodAllocation>> placed = refit(candidate, without, placement.orElse(null));
      if (placed.isPresent()) {
        chosen.remove(victim);
        released = without;
        placement = placed;
      } else {
        kept++;
      }
    }
  }

  /**
   * As {@link #minimize(Workload, WorkingSnapshot, List, int)}, on {@code room}, which is without
   * the chosen victims: the same fit tests, each costing one victim's nodes.
   */
  private static void minimize(UniformGangRoom room, List<RunningWorkload> chosen, int budget) {
    int kept = 0;
    for (RunningWorkload victim : List.copyOf(chosen)) {
      if (chosen.size() == 1 || kept > budget) {
        return;
      }
      room.restore(victim);
      if (room.admits()) {
        chosen.remove(victim);
      } else {
        room.release(victim);
        kept++;
      }
    }
  }

  /**
   * A placement on {@code snapshot}, as {@link WorkingSnapshot#admit}, present exactly when that
   * one is. A single pod whose {@code known} placement still has room here needs no placer: by the
   * {@link GangPlacer} contract, empty means that the gang does not fit, and it does.
   */
  private Optional<List<PodAllocation>> refit(
      Workload candidate, WorkingSnapshot snapshot, List<PodAllocation> known) {
    if (known != null
        && candidate.pods().size() == 1
        && snapshot.book().admits(candidate.queue(), candidate.total())
        && snapshot.canHold(known)) {
      return Optional.of(known);
    }
    return snapshot.admit(candidate, placer);
  }

  private boolean fits(Workload candidate, WorkingSnapshot snapshot) {
    return snapshot.admit(candidate, placer).isPresent();
  }

  private static WorkingSnapshot release(WorkingSnapshot snapshot, List<RunningWorkload> victims) {
    return snapshot.withReleased(victims);
  }

  /** Names the preemptor only within its own queue, so job names do not leak across projects. */
  private static String reason(
      RunningWorkload victim, PendingWorkload pending, QuotaBook book, Instant now) {
    Workload candidate = pending.workload();
    int victimPriority = victim.workload().priority();
    boolean sameQueue = victim.workload().queue().equals(candidate.queue());
    String preemptor = sameQueue ? "job " + candidate.id() : "a job of queue " + candidate.queue();
    if (demoted(victim, pending, book, now)) {
      return String.format(
          Locale.ROOT,
          "yielded to job %s of the same queue: least attained service first, and this job has"
              + " received %.1f GPU-hours, the other %.1f",
          candidate.id(),
          victim.attainedGpuSeconds(now) / 3600,
          pending.attainedGpuSeconds() / 3600);
    }
    if (victimPriority < candidate.priority()) {
      return "preempted by higher-priority "
          + preemptor
          + " (priority "
          + candidate.priority()
          + " > "
          + victimPriority
          + ")";
    }
    return "reclaimed by queue "
        + candidate.queue()
        + " for its nominal quota; queue "
        + victim.workload().queue()
        + " was borrowing";
  }
}
