package io.capstan.api.experiment;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One trial of an experiment as the API shows it.
 *
 * @param index its place in creation order, from 0
 * @param job the job that runs it (the trial's name); {@code capstan get}, {@code logs} and {@code
 *     metrics} work on it
 * @param assignments each parameter's value, as the trial's job got it
 * @param objective the objective metric by the experiment's metric strategy, or null while unknown
 * @param metrics the objective and additional metrics by their strategies, once it finished
 * @param message why it failed, was stopped or killed, or null
 */
public record TrialView(
    String name,
    int index,
    String job,
    TrialPhase phase,
    Map<String, String> assignments,
    Double objective,
    Map<String, Double> metrics,
    String message,
    Instant createdAt,
    Instant finishedAt) {
  public TrialView {
    assignments =
        Collections.unmodifiableMap(
            new LinkedHashMap<>(assignments == null ? Map.of() : assignments));
    metrics =
        Collections.unmodifiableMap(new LinkedHashMap<>(metrics == null ? Map.of() : metrics));
  }
}
