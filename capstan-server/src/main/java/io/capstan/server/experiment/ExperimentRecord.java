package io.capstan.server.experiment;

import static java.util.Objects.requireNonNull;

import io.capstan.api.experiment.ExperimentPhase;
import io.capstan.tuning.experiment.Experiment;
import java.time.Instant;

/**
 * An experiment as stored: the text as submitted, the seed of its suggestions, its phase and why.
 *
 * @param deleting someone asked to delete it: the controller deletes its trials' jobs, then it
 * @param maxTrialCount the spec's {@code maxTrialCount} as a resume set it, or null for the spec's
 * @param parallelTrialCount the spec's {@code parallelTrialCount} as a resume set it, or null
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
    Integer maxTrialCount,
    Integer parallelTrialCount,
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
        maxTrialCount,
        parallelTrialCount,
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
        maxTrialCount,
        parallelTrialCount,
        version);
  }

  /** This experiment with new counts (null keeps the current). */
  ExperimentRecord withCounts(Integer newMaxTrialCount, Integer newParallelTrialCount) {
    return new ExperimentRecord(
        uid,
        project,
        name,
        specText,
        seed,
        phase,
        reason,
        message,
        deleting,
        createdAt,
        createdBy,
        finishedAt,
        newMaxTrialCount == null ? maxTrialCount : newMaxTrialCount,
        newParallelTrialCount == null ? parallelTrialCount : newParallelTrialCount,
        version);
  }

  /** The spec as the controller runs it: the counts a resume set replace the text's. */
  Experiment effective(Experiment spec) {
    return spec.withCounts(maxTrialCount, parallelTrialCount);
  }

  /** Whether the controller creates trials for it now. */
  boolean active() {
    return !deleting && (phase == ExperimentPhase.CREATED || phase == ExperimentPhase.RUNNING);
  }
}
