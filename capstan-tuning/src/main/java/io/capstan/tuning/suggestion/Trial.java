package io.capstan.tuning.suggestion;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One trial of an experiment as the algorithms see it.
 *
 * @param objective the objective metric's value by the experiment's metric strategy, as reported
 *     (not sign-flipped); null while unknown or when the trial never reported it
 * @param history the objective metric's reports in order, one per step (epoch), for early stopping
 */
public record Trial(
    String name,
    Assignment assignment,
    TrialStatus status,
    Double objective,
    List<Double> history) {
  public Trial {
    requireNonNull(name, "name is null");
    requireNonNull(assignment, "assignment is null");
    requireNonNull(status, "status is null");
    history = List.copyOf(history);
  }

  /** A finished trial with a result the models can learn from. */
  public boolean observed() {
    return (status == TrialStatus.SUCCEEDED || status == TrialStatus.EARLY_STOPPED)
        && objective != null;
  }

  public static Trial running(String name, Assignment assignment) {
    return new Trial(name, assignment, TrialStatus.RUNNING, null, List.of());
  }

  public static Trial succeeded(String name, Assignment assignment, double objective) {
    return new Trial(name, assignment, TrialStatus.SUCCEEDED, objective, List.of(objective));
  }
}
