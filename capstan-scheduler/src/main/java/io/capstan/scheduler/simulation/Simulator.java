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
 * simulated clock: arrivals, completions and the ends of preemption grace periods are events; after
 * every instant with events (and every {@code tick} while jobs wait, so that ageing can act) one
 * scheduling cycle runs and its admissions and preemptions are applied. Deterministic: the same
 * jobs and settings give the same report.
 */
public final class Simulator {
  /**
   * Settings of a replay.
   *
   * @param gracePeriod how long a preempted job takes to checkpoint and stop; it makes no progress
   *     then and still holds its resources
   * @param tick the longest time between cycles while jobs wait
   */
  public record Settings(Duration gracePeriod, Duration tick) {
    public Settings {
      requireNonNull(gracePeriod, "gracePeriod is null");
      requireNonNull(tick, "tick is null");
      if (gracePeriod.isNegative() || tick.isNegative() || tick.isZero()) {
        throw new IllegalArgumentException(
            "Expected a non-negative grace period and a positive tick, but were "
                + gracePeriod
                + " and "
                + tick);
      }
    }

    /** A 30 s grace period (Kubernetes' default) and a cycle at least every 5 minutes. */
    public static Settings defaults() {
      return new Settings(Duration.ofSeconds(30), Duration.ofMinutes(5));
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
    private Instant tickAt;

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
        while (!events.isEmpty() && events.peek().time().equals(now)) {
          handle(events.poll(), now);
        }
        if (!pending.isEmpty()) {
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
          cycles,
          cluster.capacityGpuMilli(),
          allocation);
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
        case TICK -> tickAt = null;
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
        schedule(job.start(now, admission.allocations()), SimEvent.Kind.COMPLETION, job.id(), 0);
      }
      for (Preemption preemption : result.preemptions()) {
        preempt(running.get(preemption.victimId()), now);
      }
      if (!pending.isEmpty() && tickAt == null) {
        tickAt = now.plus(settings.tick());
        schedule(tickAt, SimEvent.Kind.TICK, "", 0);
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
      // Completions carry the epoch of the run they end: the job's current one when scheduled.
      int tagged = kind == SimEvent.Kind.COMPLETION ? jobs.get(jobId).epoch() : epoch;
      events.add(new SimEvent(time, sequence++, kind, jobId, tagged));
    }

    private void sample(Instant now) {
      long allocated = cluster.allocatedGpuMilli();
      if (allocation.isEmpty() || allocation.get(allocation.size() - 1).gpuMilli() != allocated) {
        allocation.add(new AllocationSample(now, allocated));
      }
    }
  }
}
