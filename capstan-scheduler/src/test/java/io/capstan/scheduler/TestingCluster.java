package io.capstan.scheduler;

import io.capstan.scheduler.cluster.NodeSpec;
import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodAllocation;
import io.capstan.scheduler.placement.GangPlacer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fake cluster driver: holds pending and running workloads, builds scheduler snapshots, and
 * applies a cycle's decisions the way the server would.
 */
final class TestingCluster {
  private final List<NodeSpec> nodes;
  private final Map<String, QueueSpec> queues = new LinkedHashMap<>();
  private final Map<String, PendingWorkload> pending = new LinkedHashMap<>();
  private final Map<String, RunningWorkload> running = new LinkedHashMap<>();

  TestingCluster(List<NodeSpec> nodes, List<QueueSpec> queues) {
    this.nodes = List.copyOf(nodes);
    queues.forEach(queue -> this.queues.put(queue.name(), queue));
  }

  List<NodeSpec> nodes() {
    return nodes;
  }

  Map<String, QueueSpec> queues() {
    return Map.copyOf(queues);
  }

  /** The queues, for a test that sets them up after the nodes. */
  Map<String, QueueSpec> queuesForTest() {
    return queues;
  }

  Map<String, PendingWorkload> pending() {
    return pending;
  }

  Map<String, RunningWorkload> running() {
    return running;
  }

  TestingCluster submit(PendingWorkload workload) {
    pending.put(workload.workload().id(), workload);
    return this;
  }

  TestingCluster submit(Workload workload) {
    return submit(new PendingWorkload(workload, 0));
  }

  /** Starts a workload directly, placed first fit, as if admitted at {@code startedAt}. */
  TestingCluster start(Workload workload, Instant startedAt, boolean terminating) {
    return startOn(workload, null, startedAt, terminating);
  }

  /** Starts a workload directly on {@code node} (any node when null). */
  TestingCluster startOn(Workload workload, String node, Instant startedAt, boolean terminating) {
    List<NodeState> candidates =
        nodeStates().stream().filter(n -> node == null || n.name().equals(node)).toList();
    List<PodAllocation> allocations =
        new TestingFirstFitPlacer()
            .place(workload.pods(), candidates)
            .orElseThrow(() -> new IllegalStateException("Expected room for " + workload.id()));
    running.put(
        workload.id(), new RunningWorkload(workload, allocations, startedAt, 0, terminating));
    return this;
  }

  TestingCluster start(Workload workload, Instant startedAt) {
    return start(workload, startedAt, false);
  }

  /** Node snapshots with every running workload's allocations applied. */
  List<NodeState> nodeStates() {
    Map<String, NodeState> states = new LinkedHashMap<>();
    nodes.forEach(spec -> states.put(spec.name(), NodeState.empty(spec)));
    for (RunningWorkload workload : running.values()) {
      for (PodAllocation allocation : workload.allocations()) {
        states.put(allocation.node(), states.get(allocation.node()).allocate(allocation));
      }
    }
    return new ArrayList<>(states.values());
  }

  SchedulerState state() {
    return new SchedulerState(
        nodeStates(), queues, new ArrayList<>(pending.values()), new ArrayList<>(running.values()));
  }

  CycleResult cycle(Scheduler scheduler, Instant now) {
    CycleResult result = scheduler.runOnce(state(), now);
    apply(result, now);
    return result;
  }

  /** Starts the admitted gangs and marks the victims terminating. */
  void apply(CycleResult result, Instant now) {
    for (Admission admission : result.admitted()) {
      PendingWorkload admitted = pending.remove(admission.workloadId());
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

  /** Every terminating workload is gone: requeued with the service it attained. */
  List<RunningWorkload> stopTerminating(Instant now) {
    List<RunningWorkload> stopped = new ArrayList<>();
    for (RunningWorkload workload : List.copyOf(running.values())) {
      if (workload.terminating()) {
        running.remove(workload.workload().id());
        pending.put(
            workload.workload().id(),
            new PendingWorkload(workload.workload(), workload.attainedGpuSeconds(now)));
        stopped.add(workload);
      }
    }
    return stopped;
  }

  /** The terminating workload {@code id} is gone: requeued with the service it attained. */
  void stopTerminating(String id, Instant now) {
    RunningWorkload workload = running.get(id);
    if (workload == null || !workload.terminating()) {
      throw new IllegalStateException("Expected " + id + " to be terminating, but it is not");
    }
    running.remove(id);
    pending.put(id, new PendingWorkload(workload.workload(), workload.attainedGpuSeconds(now)));
  }

  void finish(String id) {
    running.remove(id);
  }

  static Scheduler scheduler(GangPlacer placer) {
    return new Scheduler(SchedulerConfig.defaults(placer));
  }
}
