package io.capstan.bench;

import io.capstan.scheduler.Admission;
import io.capstan.scheduler.CycleResult;
import io.capstan.scheduler.PendingWorkload;
import io.capstan.scheduler.Preemption;
import io.capstan.scheduler.QueueSpec;
import io.capstan.scheduler.RunningWorkload;
import io.capstan.scheduler.SchedulerState;
import io.capstan.scheduler.Workload;
import io.capstan.scheduler.cluster.NodeSpec;
import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodAllocation;
import io.capstan.scheduler.cluster.ResourceAmounts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * The benchmark's driver, as the server would be: holds pending and running jobs and the nodes,
 * builds each cycle's {@link SchedulerState} and applies its decisions. Preempted jobs stop at the
 * start of the next step and go back to pending; completions free random running jobs.
 */
final class SpeedCluster {
  private final NodeState[] nodes;
  private final Map<String, Integer> nodeIndex = new HashMap<>();
  private final Map<String, QueueSpec> queues;
  private final Map<String, PendingWorkload> pending = new LinkedHashMap<>();
  private final Map<String, RunningWorkload> running = new LinkedHashMap<>();
  private final ResourceAmounts capacity;

  SpeedCluster(List<NodeSpec> specs) {
    nodes = new NodeState[specs.size()];
    ResourceAmounts sum = ResourceAmounts.ZERO;
    for (int i = 0; i < nodes.length; i++) {
      nodes[i] = NodeState.empty(specs.get(i));
      nodeIndex.put(specs.get(i).name(), i);
      sum = sum.add(specs.get(i).capacity());
    }
    capacity = sum;
    queues = SpeedWorkloadMix.queues(capacity);
  }

  ResourceAmounts capacity() {
    return capacity;
  }

  int pendingCount() {
    return pending.size();
  }

  int runningCount() {
    return running.size();
  }

  /** Share of GPUs allocated, 0 to 1. */
  double gpuUtilization() {
    long used = Arrays.stream(nodes).mapToLong(node -> node.used().gpuMilli()).sum();
    return used / (double) capacity.gpuMilli();
  }

  void submit(Workload workload) {
    pending.put(workload.id(), new PendingWorkload(workload, 0));
  }

  SchedulerState state() {
    return new SchedulerState(
        Arrays.asList(nodes),
        queues,
        new ArrayList<>(pending.values()),
        new ArrayList<>(running.values()));
  }

  /** Admitted jobs start; preemption victims begin to stop. */
  void apply(CycleResult result, Instant now) {
    for (Admission admission : result.admitted()) {
      PendingWorkload admitted = pending.remove(admission.workloadId());
      for (PodAllocation allocation : admission.allocations()) {
        change(allocation, node -> node.allocate(allocation));
      }
      running.put(
          admission.workloadId(),
          new RunningWorkload(
              admitted.workload(),
              admission.allocations(),
              now,
              admitted.attainedGpuSeconds(),
              false));
    }
    for (Preemption preemption : result.preemptions()) {
      RunningWorkload victim = running.get(preemption.victimId());
      running.put(
          preemption.victimId(),
          new RunningWorkload(
              victim.workload(),
              victim.allocations(),
              victim.startedAt(),
              victim.attainedGpuSecondsBefore(),
              true));
    }
  }

  /** Every stopping job is gone: its resources free and it waits again with its service kept. */
  void finishStopping(Instant now) {
    for (RunningWorkload stopping : List.copyOf(running.values())) {
      if (stopping.terminating()) {
        release(stopping);
        pending.put(
            stopping.workload().id(),
            new PendingWorkload(stopping.workload(), stopping.attainedGpuSeconds(now)));
      }
    }
  }

  /** {@code count} random running jobs complete. */
  void complete(int count, SplittableRandom random) {
    List<RunningWorkload> candidates = new ArrayList<>(running.values());
    for (int i = 0; i < count && !candidates.isEmpty(); i++) {
      int pick = random.nextInt(candidates.size());
      RunningWorkload done = candidates.get(pick);
      candidates.set(pick, candidates.get(candidates.size() - 1));
      candidates.remove(candidates.size() - 1);
      if (!done.terminating()) {
        release(done);
      }
    }
  }

  private void release(RunningWorkload workload) {
    running.remove(workload.workload().id());
    for (PodAllocation allocation : workload.allocations()) {
      change(allocation, node -> node.release(allocation));
    }
  }

  private void change(PodAllocation allocation, UnaryOperator<NodeState> change) {
    int index = nodeIndex.get(allocation.node());
    nodes[index] = change.apply(nodes[index]);
  }
}
