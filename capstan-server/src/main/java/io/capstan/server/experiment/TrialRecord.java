package io.capstan.server.experiment;

import static java.util.Objects.requireNonNull;

import io.capstan.api.experiment.TrialPhase;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trial as stored. Its job has the trial's name.
 *
 * @param index its place in creation order, from 0: what the suggestion algorithms see
 * @param earlyStopped the median rule stopped it (set before its job is cancelled)
 * @param objective the objective metric by its strategy, or null while unknown
 * @param metrics every metric of the objective by its strategy, once finished
 * @param history the objective's reports by step, once finished (the median rule's input)
 */
record TrialRecord(
    String experimentUid,
    int index,
    String name,
    Map<String, String> assignment,
    TrialPhase phase,
    boolean earlyStopped,
    Double objective,
    Map<String, Double> metrics,
    List<Double> history,
    String message,
    Instant createdAt,
    Instant finishedAt) {
  TrialRecord {
    requireNonNull(experimentUid, "experimentUid is null");
    requireNonNull(name, "name is null");
    requireNonNull(phase, "phase is null");
    requireNonNull(createdAt, "createdAt is null");
    assignment = Collections.unmodifiableMap(new LinkedHashMap<>(assignment));
    metrics =
        Collections.unmodifiableMap(new LinkedHashMap<>(metrics == null ? Map.of() : metrics));
    history = history == null ? List.of() : List.copyOf(history);
  }

  static TrialRecord pending(
      String experimentUid, int index, String name, Map<String, String> assignment, Instant now) {
    return new TrialRecord(
        experimentUid,
        index,
        name,
        assignment,
        TrialPhase.PENDING,
        false,
        null,
        null,
        null,
        null,
        now,
        null);
  }

  TrialRecord running() {
    return new TrialRecord(
        experimentUid,
        index,
        name,
        assignment,
        TrialPhase.RUNNING,
        earlyStopped,
        objective,
        metrics,
        history,
        message,
        createdAt,
        null);
  }

  TrialRecord stoppedEarly(String why) {
    return new TrialRecord(
        experimentUid,
        index,
        name,
        assignment,
        phase,
        true,
        objective,
        metrics,
        history,
        why,
        createdAt,
        finishedAt);
  }

  /** This trial finished as {@code next} with what it reported. */
  TrialRecord finished(
      TrialPhase next,
      Double newObjective,
      Map<String, Double> newMetrics,
      List<Double> newHistory,
      String newMessage,
      Instant now) {
    return new TrialRecord(
        experimentUid,
        index,
        name,
        assignment,
        next,
        earlyStopped,
        newObjective,
        newMetrics,
        newHistory,
        newMessage,
        createdAt,
        now);
  }
}
