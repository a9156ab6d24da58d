package io.capstan.scheduler;

import java.util.List;
import java.util.Map;

/**
 * What one cycle decided.
 *
 * @param admitted gangs to start now, in decision order
 * @param preemptions running workloads to stop gracefully
 * @param pendingReasons for every pending workload not admitted: why, in plain words with numbers
 */
public record CycleResult(
    List<Admission> admitted, List<Preemption> preemptions, Map<String, String> pendingReasons) {
  public CycleResult {
    admitted = List.copyOf(admitted);
    preemptions = List.copyOf(preemptions);
    // A cycle's own reasons are already a map nobody else can change; others are copied.
    pendingReasons =
        pendingReasons instanceof ReasonMap ? pendingReasons : Map.copyOf(pendingReasons);
  }
}
