package io.capstan.api.job;

import java.time.Instant;
import java.util.List;

/**
 * Observed state of one replica.
 *
 * @param name replica name, e.g. {@code worker-1}
 * @param role its role
 * @param index its index within the role
 * @param state {@code Pending}, {@code Running}, {@code Succeeded}, {@code Failed}, {@code Stopped}
 * @param exitCode exit code once exited, else null
 * @param attempt how many times the job (re)started this replica, starting at 1
 * @param gpus GPU device indices assigned, empty when none
 * @param startedAt when the current attempt started, or null
 * @param finishedAt when the current attempt exited, or null
 * @param message a plain-words note, or null
 */
public record ReplicaStatus(
    String name,
    ReplicaRole role,
    int index,
    String state,
    Integer exitCode,
    int attempt,
    List<Integer> gpus,
    Instant startedAt,
    Instant finishedAt,
    String message) {
  public ReplicaStatus {
    gpus = gpus == null ? List.of() : List.copyOf(gpus);
  }
}
