package io.capstan.scheduler;

import io.capstan.scheduler.cluster.PodDemand;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which gangs found no preemption plan on a cycle's future snapshot, per kind of candidate (its
 * queue, priority and level of attained service: what decides its allowed victims). A failure
 * holds, for that gang and every gang at least as large (as many pods or more, each at least as
 * large in every dimension), until the snapshot gains room or more victims become allowed: a
 * snapshot that only lost room, with fewer preemptions left, is not searched again (decision 35).
 * As Kueue and kube-scheduler do, a workload that could not preempt waits for an event that could
 * change that.
 *
 * @param <K> the kind of candidate, besides its gang
 */
final class PlanFailures<K> {
  private final Map<K, List<List<PodDemand>>> failed = new HashMap<>();

  /** Whether {@code gang}, or a gang it is at least as large as, failed for {@code kind}. */
  boolean contains(K kind, List<PodDemand> gang) {
    List<List<PodDemand>> gangs = failed.get(kind);
    if (gangs == null) {
      return false;
    }
    for (List<PodDemand> smaller : gangs) {
      if (atLeast(gang, smaller)) {
        return true;
      }
    }
    return false;
  }

  void add(K kind, List<PodDemand> gang) {
    failed.computeIfAbsent(kind, k -> new ArrayList<>()).add(gang);
  }

  /** The snapshot gained room or the allowed victims changed: no failure holds. */
  void changed() {
    failed.clear();
  }

  /**
   * At least as many pods, the first ones each needing at least as much of everything as the pod of
   * {@code other} at the same rank, device by device: placing {@code gang} places a gang that holds
   * {@code other}.
   */
  static boolean atLeast(List<PodDemand> gang, List<PodDemand> other) {
    if (gang.size() < other.size()) {
      return false;
    }
    for (int i = 0; i < other.size(); i++) {
      PodDemand pod = gang.get(i);
      PodDemand smaller = other.get(i);
      if (pod.cpuMillis() < smaller.cpuMillis()
          || pod.memoryBytes() < smaller.memoryBytes()
          || pod.gpus() < smaller.gpus()
          || pod.gpuMilli() < smaller.gpuMilli()) {
        return false;
      }
    }
    return true;
  }
}
