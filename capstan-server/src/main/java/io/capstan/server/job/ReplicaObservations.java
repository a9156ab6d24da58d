package io.capstan.server.job;

import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.server.logs.LiveReplicas;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the job controller last observed of each workload's current replicas: their phase, endpoints
 * and readiness. The job controller is the runtime's only caller; other controllers (the serving
 * controller routing to replicas) read its observations here instead of asking the runtime or
 * dialling replicas themselves. Not stored: after a restart the first pass observes again.
 */
public final class ReplicaObservations implements LiveReplicas {
  private final Map<String, Map<String, ReplicaObservation>> byWorkload = new ConcurrentHashMap<>();

  void put(String uid, Map<String, ReplicaObservation> replicas) {
    byWorkload.put(uid, Map.copyOf(replicas));
  }

  void forget(String uid) {
    byWorkload.remove(uid);
  }

  /** Whether the job controller has observed workload {@code uid} since this server started. */
  public boolean observed(String uid) {
    return byWorkload.containsKey(uid);
  }

  @Override
  public Collection<ReplicaObservation> all() {
    return byWorkload.values().stream().flatMap(replicas -> replicas.values().stream()).toList();
  }

  @Override
  public Optional<ReplicaObservation> of(ReplicaId id) {
    return Optional.ofNullable(of(id.jobUid()).get(id.replica()));
  }

  /** The replicas of workload {@code uid}'s current attempt by name, as last observed. */
  public Map<String, ReplicaObservation> of(String uid) {
    return byWorkload.getOrDefault(uid, Map.of());
  }
}
