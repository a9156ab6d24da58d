package io.capstan.server.logs;

import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaObservation;
import java.util.Collection;
import java.util.Optional;

/** The replicas whose logs may still grow: those the job controller last observed, by attempt. */
public interface LiveReplicas {
  /** Every replica of every workload the job controller observes, its current attempt each. */
  Collection<ReplicaObservation> all();

  /** The replica as last observed, or empty when it is not running under the controller now. */
  Optional<ReplicaObservation> of(ReplicaId id);
}
