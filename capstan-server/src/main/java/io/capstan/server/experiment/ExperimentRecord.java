package io.capstan.server.experiment;

import static java.util.Objects.requireNonNull;

import io.capstan.api.experiment.ExperimentPhase;
import java.time.Instant;

/**
 * An experiment as stored: the text as submitted, the seed of its suggestions, its phase and why.
 *
 * @param deleting someone asked to delete it: the controller deletes its trials' jobs, then it
 * @param version the row's version, raised by every save (optimistic concurrency)
 */
record ExperimentRecord(
    String uid,
    String project,
    String name,
    String specText,
    long seed,
    ExperimentPhase phase,
    String reason,
    String message,
    boolean deleting,
    Instant createdAt,
    String createdBy,
    Instant finishedAt,
    long version) {
  ExperimentRecord {
    requireNonNull(uid, "uid is null");
    requireNonNull(project, "project is null");
    requireNonNull(name, "name is null");
    requireNonNull(specText, "specText is null");
    requireNonNull(phase, "phase is null");
    requireNonNull(reason, "reason is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(createdBy, "createdBy is null");
  }

  /** This experiment moved to {@code next} for {@code newReason}; stamps the finish time. */
  ExperimentRecord transition(
      ExperimentPhase next, String newReason, String newMessage, Instant now) {
    ExperimentLifecycle.check(name, phase, next);
    return new ExperimentRecord(
        uid,
        project,
        name,
        specText,
        seed,
        next,
        newReason,
        newMessage,
        deleting,
        createdAt,
        createdBy,
        next.isTerminal() ? now : null,
        version);
  }

  ExperimentRecord markDeleting() {
    return new ExperimentRecord(
        uid,
        project,
        name,
        specText,
        seed,
        phase,
        reason,
        message,
        true,
        createdAt,
        createdBy,
        finishedAt,
        version);
  }

  /** Whether the controller creates trials for it now. */
  boolean active() {
    return !deleting && (phase == ExperimentPhase.CREATED || phase == ExperimentPhase.RUNNING);
  }
}
