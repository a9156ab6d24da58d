package io.capstan.scheduler.placement;

import static java.util.Objects.requireNonNull;

import io.capstan.scheduler.cluster.PodDemand;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One kind of pod in the target workload of {@link FragmentationAwarePlacer}, with how popular it
 * is (any positive weight; the placer normalizes them to sum to 1).
 */
public record TaskType(PodDemand demand, double popularity) {
  public TaskType {
    requireNonNull(demand, "demand is null");
    if (!(popularity > 0) || Double.isInfinite(popularity)) {
      throw new IllegalArgumentException(
          "Expected a positive finite popularity of " + demand + ", but was " + popularity);
    }
  }

  /** One task type per distinct demand, its popularity its share of {@code observed}. */
  public static List<TaskType> fromObserved(List<PodDemand> observed) {
    requireNonNull(observed, "observed is null");
    Map<PodDemand, Integer> counts = new LinkedHashMap<>();
    for (PodDemand demand : observed) {
      counts.merge(requireNonNull(demand, "demand is null"), 1, Integer::sum);
    }
    List<TaskType> types = new ArrayList<>(counts.size());
    counts.forEach(
        (demand, count) -> types.add(new TaskType(demand, count / (double) observed.size())));
    return List.copyOf(types);
  }
}
