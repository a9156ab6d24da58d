package io.capstan.scheduler.simulation;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The outcome of one simulation: every finished job, what was rejected or never finished, and GPU
 * allocation over time, with the aggregates the benchmarks print.
 *
 * @param start the first arrival
 * @param jobs finished jobs, in finishing order
 * @param rejected job id to the reason it can never fit the cluster or its queue
 * @param unfinished jobs still pending when nothing more could change (none normally)
 * @param preemptions preemptions applied
 * @param preemptionsByJob job id to how many times it was preempted, for every job preempted at
 *     least once, finished or not; sorted by id
 * @param cycles scheduling cycles run
 * @param capacityGpuMilli GPU capacity of the cluster, in thousandths of a device
 * @param allocation allocated GPU after each event batch, in time order
 */
public record SimulationReport(
    Instant start,
    List<JobOutcome> jobs,
    Map<String, String> rejected,
    List<String> unfinished,
    int preemptions,
    Map<String, Integer> preemptionsByJob,
    int cycles,
    long capacityGpuMilli,
    List<AllocationSample> allocation) {
  public SimulationReport {
    requireNonNull(start, "start is null");
    jobs = List.copyOf(jobs);
    rejected = Map.copyOf(rejected);
    unfinished = List.copyOf(unfinished);
    preemptionsByJob = Collections.unmodifiableMap(new TreeMap<>(preemptionsByJob));
    allocation = List.copyOf(allocation);
  }

  /** The most times any one job was preempted; 0 when none was. */
  public int mostPreemptionsOfAJob() {
    return preemptionsByJob.values().stream().mapToInt(Integer::intValue).max().orElse(0);
  }

  /** Job completion times in seconds. */
  public Distribution completionTimes() {
    return Distribution.of(jobs.stream().map(job -> seconds(job.completionTime())).toList());
  }

  /** Queueing delays (first start minus submission) in seconds. */
  public Distribution queueingDelays() {
    return Distribution.of(jobs.stream().map(job -> seconds(job.queueingDelay())).toList());
  }

  /** From the first arrival to the last finish. */
  public Duration makespan() {
    Instant last = start;
    for (JobOutcome job : jobs) {
      if (job.finished().isAfter(last)) {
        last = job.finished();
      }
    }
    return Duration.between(start, last);
  }

  /** Queue name to the average completion time of its jobs, in seconds; sorted by name. */
  public Map<String, Double> averageCompletionTimeByQueue() {
    Map<String, List<Double>> byQueue = new TreeMap<>();
    for (JobOutcome job : jobs) {
      byQueue
          .computeIfAbsent(job.queue(), queue -> new ArrayList<>())
          .add(seconds(job.completionTime()));
    }
    Map<String, Double> averages = new TreeMap<>();
    byQueue.forEach((queue, values) -> averages.put(queue, Distribution.of(values).mean()));
    return averages;
  }

  /** Queue name to the mean bounded slowdown of its jobs; sorted by name. */
  public Map<String, Double> averageSlowdownByQueue() {
    Map<String, List<Double>> byQueue = new TreeMap<>();
    for (JobOutcome job : jobs) {
      byQueue.computeIfAbsent(job.queue(), queue -> new ArrayList<>()).add(job.boundedSlowdown());
    }
    Map<String, Double> averages = new TreeMap<>();
    byQueue.forEach((queue, values) -> averages.put(queue, Distribution.of(values).mean()));
    return averages;
  }

  /**
   * Jain's fairness index over queues of their mean bounded slowdown (see {@link
   * JobOutcome#boundedSlowdown}): 1 when every queue's jobs are slowed down alike.
   */
  public double queueFairness() {
    return Distribution.of(averageSlowdownByQueue().values()).jainIndex();
  }

  /**
   * Time-weighted mean of allocated GPU over capacity, from the first arrival to the last finish.
   */
  public double averageAllocation() {
    double weighted = 0;
    for (int i = 0; i + 1 < allocation.size(); i++) {
      AllocationSample sample = allocation.get(i);
      long millis = Duration.between(sample.time(), allocation.get(i + 1).time()).toMillis();
      weighted += (double) sample.gpuMilli() * millis;
    }
    long span = makespan().toMillis();
    return span == 0 || capacityGpuMilli == 0 ? 0 : weighted / span / capacityGpuMilli;
  }

  private static double seconds(Duration duration) {
    return duration.toMillis() / 1000.0;
  }
}
