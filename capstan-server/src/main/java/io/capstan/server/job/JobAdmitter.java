package io.capstan.server.job;

import io.capstan.api.job.JobEvent;
import io.capstan.api.job.JobPhase;
import io.capstan.api.job.Resources;
import io.capstan.runtime.WorkloadRuntime;
import io.capstan.server.admission.Admission;
import io.capstan.server.admission.AdmissionDecision;
import io.capstan.server.admission.ClusterState;
import io.capstan.server.admission.GangRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Hands queued jobs to {@link Admission} and starts the admitted ones (Queued to Starting). */
final class JobAdmitter {
  private final JobStore store;
  private final WorkloadRuntime runtime;
  private final Admission admission;
  private final JobLauncher launcher;
  private final Clock clock;

  JobAdmitter(
      JobStore store,
      WorkloadRuntime runtime,
      Admission admission,
      JobLauncher launcher,
      Clock clock) {
    this.store = store;
    this.runtime = runtime;
    this.admission = admission;
    this.launcher = launcher;
    this.clock = clock;
  }

  static GangRequest request(String uid, String project, io.capstan.api.job.JobSpec spec) {
    List<GangRequest.ReplicaRequest> replicas = new ArrayList<>();
    for (Rendezvous.Replica replica : Rendezvous.replicas(spec)) {
      replicas.add(new GangRequest.ReplicaRequest(replica.name(), replica.group().resources()));
    }
    return new GangRequest(uid, project, spec.name(), replicas);
  }

  ClusterState cluster(List<JobRecord> live) {
    ClusterState state = ClusterState.empty(runtime.nodes());
    for (JobRecord job : live) {
      if (job.attempt() == 0 || job.released()) {
        continue;
      }
      for (Rendezvous.Replica replica : Rendezvous.replicas(job.spec())) {
        Placement.ReplicaPlacement placement = job.placement().of(replica.name());
        if (placement != null) {
          state = state.hold(placement.node(), replica.group().resources(), placement.gpus());
        }
      }
    }
    return state;
  }

  void admit(List<JobRecord> live) {
    List<JobRecord> queued = live.stream().filter(j -> j.phase() == JobPhase.QUEUED).toList();
    if (queued.isEmpty()) {
      return;
    }
    List<GangRequest> requests =
        queued.stream().map(j -> request(j.uid(), j.project(), j.spec())).toList();
    List<AdmissionDecision> decisions = admission.decide(requests, cluster(live));
    for (int i = 0; i < queued.size(); i++) {
      JobRecord job = queued.get(i);
      AdmissionDecision decision = decisions.get(i);
      if (decision.admitted()) {
        start(job, decision);
      } else if (!Objects.equals(job.message(), decision.reason())) {
        store.update(job.explain("WaitingForResources", decision.reason()), JobPhase.QUEUED, null);
      }
    }
  }

  private void start(JobRecord job, AdmissionDecision decision) {
    Map<String, Placement.ReplicaPlacement> placed = new LinkedHashMap<>();
    decision
        .placements()
        .forEach(
            (name, p) ->
                placed.put(name, new Placement.ReplicaPlacement(p.node(), p.gpus(), null)));
    JobRecord admitted = job.launched(1, 0, new Placement(orderedLike(job, placed)));
    admitted = admitted.launched(1, 0, launcher.reserveEndpoints(admitted, admitted.placement()));
    Instant now = clock.instant();
    Resources total = job.spec().totalResources();
    String message =
        "Admitted: all "
            + job.spec().replicaCount()
            + " replicas placed ("
            + total
            + "); launching";
    JobRecord starting = admitted.transition(JobPhase.STARTING, "Admitted", message, now);
    store.update(
        starting, JobPhase.QUEUED, new JobEvent(now, JobPhase.STARTING, "Admitted", message));
  }

  private static Map<String, Placement.ReplicaPlacement> orderedLike(
      JobRecord job, Map<String, Placement.ReplicaPlacement> placed) {
    Map<String, Placement.ReplicaPlacement> ordered = new LinkedHashMap<>();
    for (Rendezvous.Replica replica : Rendezvous.replicas(job.spec())) {
      ordered.put(replica.name(), placed.get(replica.name()));
    }
    return ordered;
  }
}
