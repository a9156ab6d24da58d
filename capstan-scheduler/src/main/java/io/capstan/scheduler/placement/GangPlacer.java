package io.capstan.scheduler.placement;

import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodAllocation;
import io.capstan.scheduler.cluster.PodDemand;
import java.util.List;
import java.util.Optional;

/**
 * Places every pod of a gang at once on a snapshot of nodes, or none of them.
 *
 * <p>Contract: the answer has one allocation per pod, in the order of {@code gang}; applying them
 * in order with {@link NodeState#allocate} never fails; empty means the gang does not fit as a
 * whole. Implementations are deterministic for the same input (ties broken by node order) and never
 * modify their input.
 */
public interface GangPlacer {
  Optional<List<PodAllocation>> place(List<PodDemand> gang, List<NodeState> nodes);
}
