package io.capstan.runtime;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

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
 */
public record ReplicaObservation(
    ReplicaId id,
    int attempt,
    ReplicaPhase phase,
    Integer exitCode,
    Instant startedAt,
    Instant finishedAt,
    String message) {
  public ReplicaObservation {
    requireNonNull(id, "id is null");
    requireNonNull(phase, "phase is null");
  }
}
