package io.capstan.scheduler.simulation;

import io.capstan.scheduler.PendingWorkload;
import io.capstan.scheduler.RunningWorkload;
import io.capstan.scheduler.Workload;
import io.capstan.scheduler.cluster.PodAllocation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The mutable progress of one job during a replay: remaining work, attained service, runs. */
final class JobState {
  private final SimJob job;
  private final double gpus;
  private Workload workload;
  private Duration remaining;
  private Duration runTime = Duration.ZERO;
  private double attainedGpuSeconds;
  private Instant firstStarted;
  private Instant runStarted;

  /** When its current wait began: null until its first preemption (then since submission). */
  private Instant waitingSince;

  private List<PodAllocation> allocations = List.of();
  private boolean terminating;

  /** Time at the start of the current run spent restarting from a checkpoint: no progress. */
  private Duration restarting = Duration.ZERO;

  private int epoch;
  private int preemptions;

  JobState(SimJob job) {
    this.job = job;
    this.workload = job.workload();
    this.remaining = job.duration();
    this.gpus = job.workload().total().gpuMilli() / 1000.0;
  }

  /** How many times it was preempted so far. */
  int preemptions() {
    return preemptions;
  }

  String id() {
    return job.id();
  }

  int epoch() {
    return epoch;
  }

  List<PodAllocation> allocations() {
    return allocations;
  }

  boolean terminating() {
    return terminating;
  }

  PendingWorkload pending() {
    return new PendingWorkload(workload, attainedGpuSeconds, waitingSince);
  }

  RunningWorkload running() {
    // A terminating job's run restarts at its checkpoint, so its service counts from there.
    return new RunningWorkload(workload, allocations, runStarted, attainedGpuSeconds, terminating);
  }

  /**
   * Starts a run now; returns when it completes unless preempted. A run that resumes after a
   * preemption first spends {@code restartCost} relaunching and loading its checkpoint.
   */
  Instant start(Instant now, List<PodAllocation> placed, Duration restartCost) {
    restarting = firstStarted == null ? Duration.ZERO : restartCost;
    if (firstStarted == null) {
      firstStarted = now;
    }
    runStarted = now;
    allocations = List.copyOf(placed);
    return progressFrom().plus(remaining);
  }

  /** When the current run starts making progress. */
  private Instant progressFrom() {
    return runStarted.plus(restarting);
  }

  /**
   * Stops the run at {@code now} with a checkpoint: progress and service are kept and the pending
   * completion becomes stale. Returns false (and keeps the completion) when the run ends before the
   * grace period does, so the job simply finishes.
   */
  boolean preempt(Instant now, Duration grace) {
    terminating = true;
    preemptions++;
    Duration progress = Duration.between(progressFrom(), now);
    if (!now.plus(grace).isBefore(progressFrom().plus(remaining))) {
      return false;
    }
    if (progress.isNegative()) {
      // Stopped while still restarting: nothing was gained.
      progress = Duration.ZERO;
    }
    runTime = runTime.plus(progress);
    remaining = remaining.minus(progress);
    // Service is what the server counts: the time the run held its GPUs, restart included.
    attainedGpuSeconds += gpus * Duration.between(runStarted, now).toMillis() / 1000.0;
    runStarted = now;
    restarting = Duration.ZERO;
    waitingSince = now;
    epoch++;
    return true;
  }

  /** Back to pending after the grace period: resources released, checkpoint kept. */
  List<PodAllocation> requeue() {
    List<PodAllocation> released = allocations;
    allocations = List.of();
    terminating = false;
    if (workload.knownDuration() != null) {
      workload =
          new Workload(
              workload.id(),
              workload.queue(),
              workload.priority(),
              workload.submittedAt(),
              workload.pods(),
              remaining);
    }
    return released;
  }

  /** The run completed at {@code now}. */
  JobOutcome finish(Instant now) {
    runTime = runTime.plus(Duration.between(progressFrom(), now));
    return new JobOutcome(
        job.id(),
        workload.queue(),
        job.workload().total().gpuMilli(),
        workload.submittedAt(),
        firstStarted,
        now,
        job.duration(),
        runTime,
        preemptions);
  }
}
