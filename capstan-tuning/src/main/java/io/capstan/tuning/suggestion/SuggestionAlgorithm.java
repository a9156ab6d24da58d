package io.capstan.tuning.suggestion;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A hyperparameter search algorithm, modelled on Katib's {@code GetSuggestions}: given the state of
 * an experiment, the assignments of the next trials to create.
 *
 * <p>Implementations are pure functions of the state (and of the experiment they were built for):
 * all randomness is derived from {@link ExperimentState#seed()} and the index of the trial being
 * suggested, with arithmetic that gives the same bits on every JVM. So asking twice with the same
 * state gives the same answer, whichever replica asks, and asking for three at once gives what
 * asking three times, each after creating the last answer's trial, gives.
 */
public interface SuggestionAlgorithm {
  /**
   * The next trial's assignment, or empty when none can be suggested until running trials finish (a
   * Hyperband rung waiting for its results).
   *
   * @throws SearchExhaustedException when no trial will ever be suggested again
   */
  Optional<Assignment> next(ExperimentState state);

  /**
   * Up to {@code count} assignments: fewer when the algorithm must wait for results, none when it
   * must wait for all of them.
   *
   * @throws SearchExhaustedException when no trial will ever be suggested again and none was now
   */
  default List<Assignment> suggest(ExperimentState state, int count) {
    List<Assignment> assignments = new ArrayList<>();
    ExperimentState current = state;
    while (assignments.size() < count) {
      Optional<Assignment> next;
      try {
        next = next(current);
      } catch (SearchExhaustedException e) {
        if (assignments.isEmpty()) {
          throw e;
        }
        break;
      }
      if (next.isEmpty()) {
        break;
      }
      assignments.add(next.get());
      if (assignments.size() < count) {
        current = current.withPending(next.get());
      }
    }
    return List.copyOf(assignments);
  }
}
