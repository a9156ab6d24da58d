package io.capstan.server.serving;

import static java.util.Objects.requireNonNull;

import io.capstan.api.serving.CanarySpec;
import io.capstan.api.serving.ServiceSpec;
import java.time.Instant;

/**
 * A stored inference service: its spec (defaults filled in) and what the controller resolved.
 *
 * @param uid unique id, also the prefix of its replicas' labels
 * @param project the project
 * @param spec the spec with every default filled in
 * @param stableVersion the model version serving stable traffic, null until first resolved
 * @param canaryVersion the canary's version, null without a canary or until resolved
 * @param previousVersion the stable version before the last change of it; rollback returns there
 * @param desiredReplicas stable replicas wanted now, between min and max
 * @param generation raised by every change of the spec (Kubernetes' {@code metadata.generation}):
 *     what the controller's {@code observedGeneration} is compared with
 * @param createdAt creation time
 * @param updatedAt last change of spec or traffic
 * @param version the stored row's version, raised by every save (optimistic concurrency)
 */
record ServiceRecord(
    String uid,
    String project,
    ServiceSpec spec,
    Integer stableVersion,
    Integer canaryVersion,
    Integer previousVersion,
    int desiredReplicas,
    long generation,
    Instant createdAt,
    Instant updatedAt,
    long version) {
  ServiceRecord {
    requireNonNull(uid, "uid is null");
    requireNonNull(project, "project is null");
    requireNonNull(spec, "spec is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(updatedAt, "updatedAt is null");
  }

  String name() {
    return spec.name();
  }

  /** The canary's share of requests, 0 without one. */
  int canaryPercent() {
    CanarySpec canary = spec.canary();
    return canary == null ? 0 : canary.percent();
  }

  ServiceRecord withSpec(ServiceSpec next, Instant now) {
    return new ServiceRecord(
        uid,
        project,
        next,
        stableVersion,
        canaryVersion,
        previousVersion,
        desiredReplicas,
        generation,
        createdAt,
        now,
        version);
  }

  ServiceRecord withVersions(Integer stable, Integer canary, Integer previous) {
    return new ServiceRecord(
        uid,
        project,
        spec,
        stable,
        canary,
        previous,
        desiredReplicas,
        generation,
        createdAt,
        updatedAt,
        version);
  }

  ServiceRecord withDesiredReplicas(int replicas) {
    return new ServiceRecord(
        uid,
        project,
        spec,
        stableVersion,
        canaryVersion,
        previousVersion,
        replicas,
        generation,
        createdAt,
        updatedAt,
        version);
  }
}
