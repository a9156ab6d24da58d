package io.capstan.api.job;

import io.capstan.api.status.Condition;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * @param checkpointDir where each replica sees the job's checkpoint volume, kept across restarts
 *     and preemptions ({@code CAPSTAN_CHECKPOINT_DIR}, {@code /capstan/checkpoints}): a path inside
 *     the replica, not on the server
 * @param outputDir where each replica sees the job's output volume ({@code CAPSTAN_OUTPUT_DIR},
 *     {@code /capstan/output}); once the job succeeds, its files are collected into the artifact
 *     store and listed by {@code GET .../jobs/NAME/outputs}
 * @param conditions Kubeflow's job conditions ({@code Created}, {@code Suspended}, {@code Running},
 *     {@code Restarting}, {@code Succeeded}, {@code Failed}), derived from the event history
 * @param replicaStatuses replica counts per Kubeflow replica type (e.g. {@code Worker}, {@code
 *     PS}), in the order of the spec's replica groups
 * @param trainerStatus the progress the job's training reported (percent done, time left), or null
 *     when it reported none
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
    String outputDir,
    List<Condition> conditions,
    Map<String, ReplicaTypeStatus> replicaStatuses,
    TrainerStatus trainerStatus) {
  public JobStatus {
    replicas = replicas == null ? List.of() : List.copyOf(replicas);
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
    conditions = conditions == null ? List.of() : List.copyOf(conditions);
    // Ordered as given (the spec's groups), which Map.copyOf would not keep.
    replicaStatuses =
        replicaStatuses == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(replicaStatuses));
  }

  /** A status without reported progress. */
  public JobStatus(
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
      String outputDir,
      List<Condition> conditions,
      Map<String, ReplicaTypeStatus> replicaStatuses) {
    this(
        phase,
        reason,
        message,
        createdAt,
        startedAt,
        finishedAt,
        restarts,
        replicas,
        warnings,
        checkpointDir,
        outputDir,
        conditions,
        replicaStatuses,
        null);
  }
}
