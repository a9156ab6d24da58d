package io.capstan.api.job;

import java.time.Instant;
import java.util.List;

/**
 * Observed state of one replica.
 *
 * @param name replica name, e.g. {@code worker-1}
 * @param role its role
 * @param index its index within the role
 * @param state {@code Pending}, {@code Running}, {@code Succeeded}, {@code Failed}, {@code Lost} or
 *     {@code Stopped} (Capstan stopped it: the job ended, was preempted or restarts; not a failure)
 * @param exitCode exit code once exited, else null
 * @param attempt how many times the job (re)started this replica, starting at 1
 * @param gpus GPU device indices assigned, empty when none
 * @param startedAt when the current attempt started, or null
 * @param finishedAt when the current attempt exited, or null
 * @param message a plain-words note, or null
 * @param reason why a {@code Stopped} replica was stopped ({@code JobFinished}, {@code Preempted}
 *     or {@code Restarting}), else null
 * @param node the node the current attempt was placed on, or null while it is not placed (as
 *     stored, a replica's status has none: the job's view adds it from the job's placement)
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
    String message,
    String reason,
    String node) {
  public static final String PENDING = "Pending";
  public static final String RUNNING = "Running";
  public static final String SUCCEEDED = "Succeeded";
  public static final String FAILED = "Failed";
  public static final String LOST = "Lost";
  public static final String STOPPED = "Stopped";

  public ReplicaStatus {
    gpus = gpus == null ? List.of() : List.copyOf(gpus);
  }

  /** A replica not known to be placed on a node. */
  public ReplicaStatus(
      String name,
      ReplicaRole role,
      int index,
      String state,
      Integer exitCode,
      int attempt,
      List<Integer> gpus,
      Instant startedAt,
      Instant finishedAt,
      String message,
      String reason) {
    this(
        name,
        role,
        index,
        state,
        exitCode,
        attempt,
        gpus,
        startedAt,
        finishedAt,
        message,
        reason,
        null);
  }

  /** This status placed on {@code onNode}. */
  public ReplicaStatus withNode(String onNode) {
    return new ReplicaStatus(
        name,
        role,
        index,
        state,
        exitCode,
        attempt,
        gpus,
        startedAt,
        finishedAt,
        message,
        reason,
        onNode);
  }

  /** A replica with no reason for its state (every state but {@code Stopped}). */
  public ReplicaStatus(
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
    this(name, role, index, state, exitCode, attempt, gpus, startedAt, finishedAt, message, null);
  }
}
