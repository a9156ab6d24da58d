package io.capstan.server.job;

import io.capstan.api.job.ReplicaStatus;
import io.capstan.runtime.ReplicaObservation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Builds the per-replica status shown to users from what the runtime observed. */
final class ReplicaStatuses {
  private ReplicaStatuses() {}

  static List<ReplicaStatus> of(JobRecord job, Map<String, ReplicaObservation> observed) {
    List<ReplicaStatus> statuses = new ArrayList<>();
    for (Rendezvous.Replica replica : Rendezvous.replicas(job.spec())) {
      ReplicaObservation o = observed.get(replica.name());
      Placement.ReplicaPlacement placement = job.placement().of(replica.name());
      List<Integer> gpus = placement == null ? List.of() : placement.gpus();
      if (o == null) {
        statuses.add(
            new ReplicaStatus(
                replica.name(),
                replica.role(),
                replica.index(),
                "Pending",
                null,
                job.attempt(),
                gpus,
                null,
                null,
                null));
      } else {
        statuses.add(
            new ReplicaStatus(
                replica.name(),
                replica.role(),
                replica.index(),
                capitalized(o.phase().name()),
                o.exitCode(),
                o.attempt(),
                gpus,
                o.startedAt(),
                o.finishedAt(),
                o.message()));
      }
    }
    return statuses;
  }

  private static String capitalized(String name) {
    return name.charAt(0) + name.substring(1).toLowerCase(Locale.ROOT);
  }
}
