package io.capstan.scheduler.simulation;

import static java.util.Objects.requireNonNull;

import io.capstan.scheduler.Admission;
import io.capstan.scheduler.CycleResult;
import io.capstan.scheduler.PendingWorkload;
import io.capstan.scheduler.Preemption;
import io.capstan.scheduler.QueueSpec;
import io.capstan.scheduler.RunningWorkload;
import io.capstan.scheduler.Scheduler;
import io.capstan.scheduler.SchedulerState;
import io.capstan.scheduler.cluster.NodeSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * Replays jobs through the same {@link Scheduler} the server runs, on simulated nodes with a
 * simulated clock: arrivals, completions and the ends of preemption grace periods are events; a
 * scheduling cycle runs at the first multiple of {@code period} at or after an event (as a
 * scheduler's loop does, so that a burst of events costs one cycle), and every {@code tick} while
 * jobs wait, so that ageing and demotion can act; its admissions and preemptions are applied then.
 * Deterministic: the same jobs and settings give the same report.
 */
public final class Simulator {
  /**
   * Settings of a replay. A preemption costs its victim {@code gracePeriod} (it checkpoints while
   * holding its resources, and keeps all progress up to the preemption) plus {@code restartCost}
   * when it runs again (relaunch, rendezvous and loading the checkpoint, also holding resources).
   *
   * @param gracePeriod how long a preempted job takes to checkpoint and stop; it makes no progress
   *     then and still holds its resources
   * @param period cycles run at multiples of it, so events within one period share a cycle
   * @param tick the longest time between cycles while jobs wait
   * @param restartCost how long a job resumed after a preemption runs before it makes progress
   */
  public record Settings(
      Duration gracePeriod, Duration period, Duration tick, Duration restartCost) {
    public Settings {
      requireNonNull(gracePeriod, "gracePeriod is null");
      requireNonNull(period, "period is null");
      requireNonNull(tick, "tick is null");
      requireNonNull(restartCost, "restartCost is null");
      if (gracePeriod.isNegative()
          || period.isNegative()
          || period.isZero()
          || tick.compareTo(period) < 0) {
        throw new IllegalArgumentException(
            "Expected a non-negative grace period, a positive period and a tick of at least the"
                + " period, but were "
                + gracePeriod
                + ", "
                + period
                + " and "
                + tick);
      }
      if (restartCost.isNegative()) {
        throw new IllegalArgumentException(
            "Expected a non-negative restart cost, but was " + restartCost);
      }
    }

    /** Without a restart cost. */
    public Settings(Duration gracePeriod, Duration period, Duration tick) {
      this(gracePeriod, period, tick, Duration.ZERO);
    }

    /**
     * A 30 s grace period (Kubernetes' default), a 60 s restart after a preemption, a cycle every
     * second at most, and at least every 5 minutes while jobs wait.
     */
    public static Settings defaults() {
      return new Settings(
          Duration.ofSeconds(30),
          Duration.ofSeconds(1),
          Duration.ofMinutes(5),
          Duration.ofSeconds(60));
    }
  }

  private final Scheduler scheduler;
  private final List<NodeSpec> nodes;
  private final Map<String, QueueSpec> queues;
  private final Settings settings;

  public Simulator(
      Scheduler scheduler, List<NodeSpec> nodes, Map<String, QueueSpec> queues, Settings settings) {
    this.scheduler = requireNonNull(scheduler, "scheduler is null");
    this.nodes = List.copyOf(nodes);
    this.queues = Map.copyOf(queues);
    this.settings = requireNonNull(settings, "settings is null");
  }

  /** Replays {@code jobs} (any order) until every admitted job has finished. */
  public SimulationReport run(List<SimJob> jobs) {
    return new Replay(jobs).run();
  }

  /** The mutable state of one replay. */
  private final class Replay {
    private final PriorityQueue<SimEvent> events = new PriorityQueue<>();
    private final Map<String, JobState> jobs = new LinkedHashMap<>();
    private final Map<String, JobState> pending = new LinkedHashMap<>();
    private final Map<String, JobState> running = new LinkedHashMap<>();
    private final Map<String, String> rejected = new LinkedHashMap<>();
    private final List<JobOutcome> finished = new ArrayList<>();
    private final List<AllocationSample> allocation = new ArrayList<>();
    private final SimulatedCluster cluster = new SimulatedCluster(nodes);
    private long sequence;
    private int preemptions;
    private int cycles;

    /** When the next cycle runs; null when none is due. */
    private Instant nextCycle;

    Replay(List<SimJob> replayed) {
      for (SimJob job : replayed) {
        if (jobs.put(job.id(), new JobState(job)) != null) {
          throw new IllegalArgumentException(
              "Expected unique job ids, but " + job.id() + " appears twice");
        }
        schedule(job.workload().submittedAt(), SimEvent.Kind.ARRIVAL, job.id(), 0);
      }
    }

    SimulationReport run() {
      Instant start = events.isEmpty() ? Instant.EPOCH : events.peek().time();
      while (!events.isEmpty()) {
        Instant now = events.peek().time();
        boolean cycleNow = false;
        while (!events.isEmpty() && events.peek().time().equals(now)) {
          SimEvent event = events.poll();
          if (event.kind() == SimEvent.Kind.CYCLE) {
            cycleNow |= now.equals(nextCycle);
          } else {
            handle(event, now);
          }
        }
        if (cycleNow) {
          nextCycle = null;
          cycle(now);
        }
        sample(now);
      }
      return new SimulationReport(
          start,
          finished,
          rejected,
          List.copyOf(pending.keySet()),
          preemptions,
          preemptionsByJob(),
          cycles,
          cluster.capacityGpuMilli(),
          allocation);
    }

    private Map<String, Integer> preemptionsByJob() {
      Map<String, Integer> byJob = new LinkedHashMap<>();
      jobs.values().stream()
          .filter(job -> job.preemptions() > 0)
          .forEach(job -> byJob.put(job.id(), job.preemptions()));
      return byJob;
    }

    private void handle(SimEvent event, Instant now) {
      JobState job = jobs.get(event.jobId());
      switch (event.kind()) {
        case ARRIVAL -> arrive(job);
        case COMPLETION -> {
          if (job.epoch() == event.epoch() && running.remove(job.id()) != null) {
            cluster.release(job.allocations());
            finished.add(job.finish(now));
          }
        }
        case GRACE_END -> {
          if (job.epoch() == event.epoch() && running.remove(job.id()) != null) {
            cluster.release(job.requeue());
            pending.put(job.id(), job);
          }
        }
        case CYCLE -> throw new IllegalStateException("cycles are run, not handled");
      }
      if (!pending.isEmpty()) {
        cycleBy(periodBoundary(now));
      }
    }

    /** {@code now} when it is a multiple of the period, else the next multiple. */
    private Instant periodBoundary(Instant now) {
      long period = settings.period().toMillis();
      long millis = now.toEpochMilli();
      return Instant.ofEpochMilli(Math.floorDiv(millis + period - 1, period) * period);
    }

    /** Makes sure a cycle runs at {@code time} or earlier. */
    private void cycleBy(Instant time) {
      if (nextCycle == null || time.isBefore(nextCycle)) {
        nextCycle = time;
        schedule(time, SimEvent.Kind.CYCLE, "", 0);
      }
    }

    private void arrive(JobState job) {
      Optional<String> never = scheduler.neverFits(job.pending().workload(), nodes, queues);
      if (never.isPresent()) {
        rejected.put(job.id(), never.get());
      } else {
        pending.put(job.id(), job);
      }
    }

    private void cycle(Instant now) {
      List<PendingWorkload> waiting = new ArrayList<>(pending.size());
      pending.values().forEach(job -> waiting.add(job.pending()));
      List<RunningWorkload> holding = new ArrayList<>(running.size());
      running.values().forEach(job -> holding.add(job.running()));
      CycleResult result =
          scheduler.runOnce(new SchedulerState(cluster.snapshot(), queues, waiting, holding), now);
      cycles++;
      for (Admission admission : result.admitted()) {
        JobState job = pending.remove(admission.workloadId());
        cluster.allocate(admission.allocations());
        running.put(job.id(), job);
        // A completion carries the run it ends; a preemption since makes it stale.
        schedule(
            job.start(now, admission.allocations(), settings.restartCost()),
            SimEvent.Kind.COMPLETION,
            job.id(),
            job.epoch());
      }
      for (Preemption preemption : result.preemptions()) {
        preempt(running.get(preemption.victimId()), now);
      }
      if (!pending.isEmpty()) {
        cycleBy(now.plus(settings.tick()));
      }
    }

    private void preempt(JobState victim, Instant now) {
      if (victim == null || victim.terminating()) {
        return;
      }
      preemptions++;
      if (victim.preempt(now, settings.gracePeriod())) {
        schedule(
            now.plus(settings.gracePeriod()), SimEvent.Kind.GRACE_END, victim.id(), victim.epoch());
      }
    }

    private void schedule(Instant time, SimEvent.Kind kind, String jobId, int epoch) {
      events.add(new SimEvent(time, sequence++, kind, jobId, epoch));
    }

    private void sample(Instant now) {
      long allocated = cluster.allocatedGpuMilli();
      if (allocation.isEmpty() || allocation.get(allocation.size() - 1).gpuMilli() != allocated) {
        allocation.add(new AllocationSample(now, allocated));
      }
    }
  }
}
