package io.capstan.tuning.suggestion;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** Runs an algorithm against a function, one trial at a time, as a controller would. */
final class TestingRuns {
  private TestingRuns() {}

  /** The trials of {@code count} sequential suggestions, each succeeded with {@code objective}. */
  static List<Trial> run(
      SuggestionAlgorithm algorithm, long seed, int count, ToDoubleFunction<Assignment> objective) {
    List<Trial> trials = new ArrayList<>();
    while (trials.size() < count) {
      List<Assignment> next;
      try {
        next = algorithm.suggest(new ExperimentState(seed, trials), 1);
      } catch (SearchExhaustedException e) {
        break;
      }
      Assignment assignment = next.get(0);
      trials.add(
          Trial.succeeded("t" + trials.size(), assignment, objective.applyAsDouble(assignment)));
    }
    return trials;
  }

  /** The lowest objective of {@code trials}. */
  static double best(List<Trial> trials) {
    return trials.stream().mapToDouble(Trial::objective).min().orElseThrow();
  }

  static double number(Assignment assignment, String parameter) {
    return Double.parseDouble(assignment.value(parameter));
  }
}
