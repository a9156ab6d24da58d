package io.capstan.api.job;

import java.time.Instant;
import java.util.List;

/**
 * The observed status of a job.
 *
 * @param phase current phase
 * @param reason reason code of the last transition (or, while queued, why it waits)
 * @param message plain-words explanation with numbers
 * @param createdAt submission time
 * @param startedAt when replicas were first launched, or null
 * @param finishedAt when the job reached a terminal phase, or null
 * @param restarts how many times the job was restarted after a replica failure
 * @param replicas per-replica status
 * @param warnings conditions the user should know, e.g. resource limits that cannot be enforced
 * @param checkpointDir the directory kept across restarts ({@code CAPSTAN_CHECKPOINT_DIR})
 * @param outputDir the job's output directory ({@code CAPSTAN_OUTPUT_DIR})
 */
public record JobStatus(
    JobPhase phase,
    String reason,
    String message,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    int restarts,
    List<ReplicaStatus> replicas,
    List<String> warnings,
    String checkpointDir,
    String outputDir) {
  public JobStatus {
    replicas = replicas == null ? List.of() : List.copyOf(replicas);
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
  }
}
