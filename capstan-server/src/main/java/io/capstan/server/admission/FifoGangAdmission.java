package io.capstan.server.admission;

import io.capstan.api.job.Resources;
import io.capstan.runtime.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All-or-nothing admission in strict arrival order: the oldest job starts when every one of its
 * replicas fits the free resources (first fit over the nodes); jobs behind it wait, so a large gang
 * is never starved by smaller ones. No quotas, priorities or backfill: that is the scheduler's job.
 */
public final class FifoGangAdmission implements Admission {
  @Override
  public List<AdmissionDecision> decide(List<GangRequest> queue, ClusterState cluster) {
    List<AdmissionDecision> decisions = new ArrayList<>();
    ClusterState state = cluster;
    GangRequest blocker = null;
    for (int position = 0; position < queue.size(); position++) {
      GangRequest request = queue.get(position);
      if (blocker != null) {
        decisions.add(waiting(request, "queued behind job '" + blocker.name() + "'", position));
        continue;
      }
      Map<String, AdmissionDecision.NodePlacement> placements = new LinkedHashMap<>();
      ClusterState next = place(request, state, placements);
      if (next == null) {
        blocker = request;
        decisions.add(
            new AdmissionDecision(request.uid(), false, Map.of(), shortage(request, state)));
      } else {
        state = next;
        decisions.add(new AdmissionDecision(request.uid(), true, placements, null));
      }
    }
    return decisions;
  }

  @Override
  public String neverFits(GangRequest request, ClusterState cluster) {
    ClusterState empty = ClusterState.empty(cluster.nodes());
    if (place(request, empty, new LinkedHashMap<>()) != null) {
      return null;
    }
    return "Job '"
        + request.name()
        + "' can never start here: its "
        + request.replicas().size()
        + " replicas need "
        + request.total()
        + " in all, but the cluster has "
        + cluster.capacity()
        + " on "
        + cluster.nodes().size()
        + (cluster.nodes().size() == 1 ? " node" : " nodes")
        + largestReplicaNote(request, cluster);
  }

  /** Places every replica first-fit; null when one does not fit. */
  private static ClusterState place(
      GangRequest request,
      ClusterState state,
      Map<String, AdmissionDecision.NodePlacement> placements) {
    ClusterState current = state;
    for (GangRequest.ReplicaRequest replica : request.replicas()) {
      Node chosen = null;
      for (Node node : current.nodes()) {
        if (replica.resources().fitsIn(current.free(node))
            && current.freeGpus(node).size() >= replica.resources().gpus()) {
          chosen = node;
          break;
        }
      }
      if (chosen == null) {
        return null;
      }
      List<Integer> gpus = current.freeGpus(chosen).subList(0, replica.resources().gpus());
      placements.put(replica.replica(), new AdmissionDecision.NodePlacement(chosen.name(), gpus));
      current = current.hold(chosen.name(), replica.resources(), gpus);
    }
    return current;
  }

  private static String shortage(GangRequest request, ClusterState state) {
    Resources free = state.capacity().subtract(state.usedTotal());
    return "waiting for resources: needs "
        + request.total()
        + " for "
        + request.replicas().size()
        + " replicas at once; free now "
        + free
        + " of "
        + state.capacity();
  }

  private static AdmissionDecision waiting(GangRequest request, String why, int position) {
    return new AdmissionDecision(
        request.uid(), false, Map.of(), why + "; " + position + " jobs ahead in the queue");
  }

  private static String largestReplicaNote(GangRequest request, ClusterState cluster) {
    for (GangRequest.ReplicaRequest replica : request.replicas()) {
      boolean fitsSomewhere = false;
      for (Node node : cluster.nodes()) {
        fitsSomewhere |= replica.resources().fitsIn(node.capacity());
      }
      if (!fitsSomewhere) {
        return "; replica "
            + replica.replica()
            + " alone needs "
            + replica.resources()
            + ", more than any node has";
      }
    }
    return "";
  }
}
