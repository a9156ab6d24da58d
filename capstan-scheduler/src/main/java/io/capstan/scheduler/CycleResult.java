package io.capstan.scheduler;

import java.util.List;
import java.util.Map;

/**
 * What one cycle decided.
 *
 * @param admitted gangs to start now, in decision order
 * @param preemptions running workloads to stop gracefully
 * @param pendingReasons for every pending workload not admitted: why, in plain words with numbers
 * @param unplaceable the pending workloads that quota admits but no free room of the nodes can hold
 *     as a gang, even the empty cluster perhaps, and that claim no resources being freed: what more
 *     nodes would start (in the order considered; those past the queue depth are not looked at)
 */
public record CycleResult(
    List<Admission> admitted,
    List<Preemption> preemptions,
    Map<String, String> pendingReasons,
    List<Workload> unplaceable) {
  public CycleResult {
    admitted = List.copyOf(admitted);
    unplaceable = List.copyOf(unplaceable);
    preemptions = List.copyOf(preemptions);
    // A cycle's own reasons are already a map nobody else can change; others are copied.
    pendingReasons =
        pendingReasons instanceof ReasonMap ? pendingReasons : Map.copyOf(pendingReasons);
  }

  /** A cycle that found nothing for more nodes to do. */
  public CycleResult(
      List<Admission> admitted, List<Preemption> preemptions, Map<String, String> pendingReasons) {
    this(admitted, preemptions, pendingReasons, List.of());
  }
}
