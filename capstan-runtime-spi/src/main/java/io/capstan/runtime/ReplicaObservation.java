package io.capstan.runtime;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;

/**
 * A replica as the runtime sees it now.
 *
 * @param id the replica
 * @param attempt the attempt it was launched with
 * @param phase its phase
 * @param exitCode exit code once finished (128 + signal when killed by a signal), else null
 * @param startedAt when it started, or null
 * @param finishedAt when it exited, or null
 * @param message plain words (e.g. "killed by signal 9"), or null
 * @param endpoints where the control plane and the gateway reach each port the launch declared, by
 *     port name ({@link PortSpec#name()}): locally {@code 127.0.0.1} and the host port the runtime
 *     chose, on Kubernetes the pod's IP and the container port
 * @param ready whether the replica takes requests: {@link ReplicaPhase#RUNNING} and, when its
 *     launch has a {@link ReadinessSpec}, the last probe passed; a replica that is not running is
 *     never ready
 */
public record ReplicaObservation(
    ReplicaId id,
    int attempt,
    ReplicaPhase phase,
    Integer exitCode,
    Instant startedAt,
    Instant finishedAt,
    String message,
    Map<String, Endpoint> endpoints,
    boolean ready) {
  public ReplicaObservation {
    requireNonNull(id, "id is null");
    requireNonNull(phase, "phase is null");
    endpoints = Map.copyOf(requireNonNull(endpoints, "endpoints is null"));
    if (ready && phase != ReplicaPhase.RUNNING) {
      throw new IllegalArgumentException(
          "Expected only a running replica to be ready, but " + id.key() + " is " + phase);
    }
  }

  /** A replica that declares no ports and has no readiness probe: ready while it runs. */
  public ReplicaObservation(
      ReplicaId id,
      int attempt,
      ReplicaPhase phase,
      Integer exitCode,
      Instant startedAt,
      Instant finishedAt,
      String message) {
    this(
        id,
        attempt,
        phase,
        exitCode,
        startedAt,
        finishedAt,
        message,
        Map.of(),
        phase == ReplicaPhase.RUNNING);
  }
}
