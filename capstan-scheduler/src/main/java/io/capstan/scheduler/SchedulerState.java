package io.capstan.scheduler;

import java.util.List;
import java.util.Map;

/**
 * The immutable input of one scheduling cycle.
 *
 * @param nodes every node, with the allocations of every running workload already applied
 * @param queues by name; a workload whose queue is missing here is never admitted
 * @param pending waiting workloads, in any order
 * @param running workloads holding resources
 */
public record SchedulerState(
    List<io.capstan.scheduler.cluster.NodeState> nodes,
    Map<String, QueueSpec> queues,
    List<PendingWorkload> pending,
    List<RunningWorkload> running) {
  public SchedulerState {
    nodes = List.copyOf(nodes);
    queues = Map.copyOf(queues);
    pending = List.copyOf(pending);
    running = List.copyOf(running);
  }
}
