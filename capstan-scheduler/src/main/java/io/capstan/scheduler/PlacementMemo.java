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
  private final Map<List<PodDemand>, Optional<List<PodAllocation>>> answers = new HashMap<>();

  /** The remembered answer for {@code pods}, or the placer's, remembered. */
  Optional<List<PodAllocation>> place(
      List<PodDemand> pods, Function<List<PodDemand>, Optional<List<PodAllocation>>> placer) {
    return answers.computeIfAbsent(pods, placer);
  }

  /** The snapshot lost room and gained none: placements may no longer hold, failures do. */
  void lostRoom() {
    answers.values().removeIf(Optional::isPresent);
  }

  /** The snapshot changed in any way: nothing holds. */
  void changed() {
    answers.clear();
  }
}
