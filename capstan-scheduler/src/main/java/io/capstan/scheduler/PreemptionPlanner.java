package io.capstan.scheduler;

import io.capstan.scheduler.cluster.PodAllocation;
import io.capstan.scheduler.placement.GangPlacer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
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

  /** Lowest priority first, then the most recently started (least work lost), then smallest. */
  private static final Comparator<RunningWorkload> VICTIM_ORDER =
      Comparator.<RunningWorkload>comparingInt(r -> r.workload().priority())
          .thenComparing(RunningWorkload::startedAt, Comparator.reverseOrder())
          .thenComparingLong(r -> r.workload().total().gpuMilli())
          .thenComparingLong(r -> r.workload().total().cpuMillis())
          .thenComparing(r -> r.workload().id());

  private final GangPlacer placer;

  PreemptionPlanner(GangPlacer placer) {
    this.placer = placer;
  }

  /**
   * The victims and the snapshot after releasing them (the candidate's placement claimed on it).
   */
  record Plan(List<Preemption> preemptions, WorkingSnapshot after) {
    Plan {
      preemptions = List.copyOf(preemptions);
    }
  }

  /**
   * A minimal sufficient plan, or empty when none exists within {@code budget} preemptions.
   *
   * @param future the snapshot once every terminating workload is gone
   * @param running running workloads that are not terminating and not yet chosen as victims
   */
  Optional<Plan> plan(
      PendingWorkload pending,
      WorkingSnapshot future,
      List<RunningWorkload> running,
      int budget,
      Instant now) {
    if (budget <= 0) {
      return Optional.empty();
    }
    Workload candidate = pending.workload();
    QuotaBook book = future.book();
    boolean reclaiming = !book.wouldBorrow(candidate.queue(), candidate.total());
    List<RunningWorkload> allowed = new ArrayList<>();
    for (RunningWorkload victim : running) {
      if (allowed(victim, pending, book, reclaiming, now)) {
        allowed.add(victim);
      }
    }
    if (allowed.isEmpty() || !fits(candidate, release(future, allowed))) {
      return Optional.empty();
    }
    allowed.sort(VICTIM_ORDER);
    List<RunningWorkload> chosen = greedy(pending, future, allowed, now);
    if (chosen.isEmpty()) {
      return Optional.empty();
    }
    minimize(candidate, future, chosen);
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
    return Optional.of(new Plan(preemptions, after.withAllocated(candidate, placement)));
  }

  private static boolean allowed(
      RunningWorkload victim,
      PendingWorkload pending,
      QuotaBook book,
      boolean reclaiming,
      Instant now) {
    Workload candidate = pending.workload();
    Workload workload = victim.workload();
    boolean sameQueue = workload.queue().equals(candidate.queue());
    boolean lowerPriority = workload.priority() < candidate.priority();
    if (demoted(victim, pending, book, now)) {
      return true;
    }
    if (!reclaiming) {
      // Never preempt to let a queue borrow: only its own lower-priority work may make room.
      return sameQueue && lowerPriority;
    }
    return lowerPriority || (!sameQueue && book.isBorrowing(workload.queue()));
  }

  /**
   * Tiresias' demotion: in a least-attained-service queue, a running workload of the candidate's
   * queue and priority that has run at least {@link #MINIMUM_RUN} and received a higher level of
   * service than the candidate yields to it.
   */
  static boolean demoted(
      RunningWorkload victim, PendingWorkload pending, QuotaBook book, Instant now) {
    Workload workload = victim.workload();
    Workload candidate = pending.workload();
    return workload.queue().equals(candidate.queue())
        && workload.priority() == candidate.priority()
        && book.spec(workload.queue()).policy() == OrderingPolicy.LAS
        && Duration.between(victim.startedAt(), now).compareTo(MINIMUM_RUN) >= 0
        && PendingOrder.lasLevel(victim.attainedGpuSeconds(now))
            > PendingOrder.lasLevel(pending.attainedGpuSeconds());
  }

  private List<RunningWorkload> greedy(
      PendingWorkload pending, WorkingSnapshot future, List<RunningWorkload> allowed, Instant now) {
    Workload candidate = pending.workload();
    List<RunningWorkload> chosen = new ArrayList<>();
    WorkingSnapshot trial = future;
    for (RunningWorkload victim : allowed) {
      boolean lowerPriority = victim.workload().priority() < candidate.priority();
      // A reclaim victim must still be borrowing once the victims before it are gone.
      if (!lowerPriority
          && !demoted(victim, pending, trial.book(), now)
          && !trial.book().isBorrowing(victim.workload().queue())) {
        continue;
      }
      trial = trial.withReleased(victim);
      chosen.add(victim);
      if (fits(candidate, trial)) {
        return chosen;
      }
    }
    return List.of();
  }

  private void minimize(Workload candidate, WorkingSnapshot future, List<RunningWorkload> chosen) {
    for (RunningWorkload victim : List.copyOf(chosen)) {
      List<RunningWorkload> without = new ArrayList<>(chosen);
      without.remove(victim);
      if (!without.isEmpty() && fits(candidate, release(future, without))) {
        chosen.remove(victim);
      }
    }
  }

  private boolean fits(Workload candidate, WorkingSnapshot snapshot) {
    return snapshot.admit(candidate, placer).isPresent();
  }

  private static WorkingSnapshot release(WorkingSnapshot snapshot, List<RunningWorkload> victims) {
    WorkingSnapshot released = snapshot;
    for (RunningWorkload victim : victims) {
      released = released.withReleased(victim);
    }
    return released;
  }

  /** Names the preemptor only within its own queue, so job names do not leak across projects. */
  private static String reason(
      RunningWorkload victim, PendingWorkload pending, QuotaBook book, Instant now) {
    Workload candidate = pending.workload();
    int victimPriority = victim.workload().priority();
    boolean sameQueue = victim.workload().queue().equals(candidate.queue());
    String preemptor = sameQueue ? "job " + candidate.id() : "a job of queue " + candidate.queue();
    if (victimPriority == candidate.priority() && demoted(victim, pending, book, now)) {
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
