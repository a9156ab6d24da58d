package io.capstan.scheduler.placement;

import io.capstan.scheduler.cluster.PodDemand;
import java.util.List;

/** The placers of this package by name, as compared in Weng et al. (ATC'23). */
public enum PlacementStrategy {
  FGD,
  BEST_FIT,
  PACKING,
  RANDOM;

  /**
   * A new placer of this strategy.
   *
   * @param observedDemands the target workload of {@link #FGD}, ignored by the others
   * @param seed the seed of {@link #RANDOM}, ignored by the others
   */
  public GangPlacer create(List<PodDemand> observedDemands, long seed) {
    return switch (this) {
      case FGD -> FragmentationAwarePlacer.forObservedDemands(observedDemands);
      case BEST_FIT -> new BestFitPlacer();
      case PACKING -> new PackingPlacer();
      case RANDOM -> new RandomPlacer(seed);
    };
  }
}
