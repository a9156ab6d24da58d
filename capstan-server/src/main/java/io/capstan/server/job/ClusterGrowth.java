package io.capstan.server.job;

import io.capstan.api.job.Resources;
import io.capstan.runtime.CapacityRequests;
import io.capstan.runtime.WorkloadRuntime;
import io.capstan.scheduler.Scheduler;
import io.capstan.scheduler.Workload;
import io.capstan.scheduler.cluster.NodeSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a cycle's gangs that wait for nodes become (decision 123): metrics of the demand by node
 * shape, and where the runtime can ask the cluster for nodes, one request per gang, whose state is
 * added to the gang's pending reason. Requests of gangs no longer waiting are withdrawn.
 */
final class ClusterGrowth {
  private static final Logger log = LoggerFactory.getLogger(ClusterGrowth.class);

  private final Optional<CapacityRequests> requests;
  private final Scheduler scheduler;
  private final AdmissionEvents events;

  ClusterGrowth(WorkloadRuntime runtime, Scheduler scheduler, AdmissionEvents events) {
    this.requests = runtime.capacityRequests();
    this.scheduler = scheduler;
    this.events = events;
  }

  /**
   * Records the gangs that wait for nodes now and asks for them; returns, by job uid, the words to
   * add to the pending reason of each gang a request was made for.
   */
  Map<String, String> waiting(
      List<Workload> unplaceable, List<NodeSpec> nodes, Map<String, JobRecord> byUid) {
    events.unplaceable(scheduler.unplaceableDemand(unplaceable, nodes));
    if (requests.isEmpty()) {
      return Map.of();
    }
    List<CapacityRequests.Gang> gangs = new ArrayList<>();
    for (Workload workload : unplaceable) {
      JobRecord job = byUid.get(workload.id());
      if (job != null) {
        gangs.add(new CapacityRequests.Gang(job.uid(), job.project(), pods(job)));
      }
    }
    Map<String, String> words = new LinkedHashMap<>();
    try {
      requests
          .get()
          .reconcile(gangs)
          .forEach(
              (uid, state) -> words.put(uid, "the cluster is asked to grow: " + state.describe()));
    } catch (RuntimeException e) {
      // The cluster refused or could not be reached: the gangs still wait, and the next cycle asks
      // again. Their reasons say what the scheduler found, without a request.
      log.warn("Could not ask the cluster for nodes for {} waiting gangs", gangs.size(), e);
    }
    return words;
  }

  private static List<Resources> pods(JobRecord job) {
    List<Resources> pods = new ArrayList<>();
    for (Rendezvous.Replica replica : Rendezvous.replicas(job.spec())) {
      pods.add(replica.group().resources());
    }
    return pods;
  }
}
