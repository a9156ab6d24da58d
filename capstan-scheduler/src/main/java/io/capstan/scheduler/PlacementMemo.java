package io.capstan.scheduler;

import io.capstan.scheduler.cluster.PodAllocation;
import io.capstan.scheduler.cluster.PodDemand;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The placer's answer per gang shape on one snapshot as a cycle changes it: the placer is
 * deterministic, and many pending workloads share a shape. A placement holds until the snapshot
 * changes; a failure also holds while the snapshot only loses room, as a gang that does not fit
 * does not fit on less (the monotonicity that the preemption bounds rely on too).
 */
final class PlacementMemo {
  private final Map<Key, Optional<List<PodAllocation>>> answers = new HashMap<>();

  /**
   * The remembered answer for {@code pods} of a workload that does or does not checkpoint (they
   * prefer different node pools), or the placer's, remembered.
   */
  Optional<List<PodAllocation>> place(
      List<PodDemand> pods,
      boolean checkpoints,
      Function<List<PodDemand>, Optional<List<PodAllocation>>> placer) {
    return answers.computeIfAbsent(new Key(pods, checkpoints), key -> placer.apply(key.pods()));
  }

  private record Key(List<PodDemand> pods, boolean checkpoints) {}

  /** The snapshot lost room and gained none: placements may no longer hold, failures do. */
  void lostRoom() {
    answers.values().removeIf(Optional::isPresent);
  }

  /** The snapshot changed in any way: nothing holds. */
  void changed() {
    answers.clear();
  }
}
