package io.capstan.scheduler.placement;

import io.capstan.scheduler.cluster.PodDemand;
import java.util.List;
import java.util.Optional;

/**
 * Optional capability of a node list handed to a {@link GangPlacer}: which nodes may have room,
 * found without looking at every node. Placers here then visit only those: placing pods only takes
 * room, so a node with room for none of a gang's pods never gets any while the gang is placed.
 */
public interface NodesWithRoom {
  /**
   * Ascending indices of the nodes that have room for at least one of {@code pods} on its own: all
   * of them, and possibly others; empty when there are more than {@code most}.
   */
  Optional<int[]> mayFitAny(List<PodDemand> pods, int most);
}
