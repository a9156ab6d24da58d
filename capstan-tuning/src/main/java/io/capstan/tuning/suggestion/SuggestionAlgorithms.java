package io.capstan.tuning.suggestion;

import io.capstan.api.error.CapstanException;
import io.capstan.tuning.experiment.AlgorithmSpec;
import io.capstan.tuning.experiment.Experiment;
import java.util.List;
import java.util.Set;

/**
 * Builds the algorithm an experiment names in {@code spec.algorithm.algorithmName}, checking its
 * settings: {@code random}, {@code grid}, {@code tpe}, {@code multivariate-tpe}, {@code
 * bayesianoptimization} (run as multivariate TPE), {@code hyperband} and Capstan's {@code asha}.
 * Katib's other algorithms are refused by name.
 */
public final class SuggestionAlgorithms {
  public static final List<String> NAMES =
      List.of(
          "random", "grid", "tpe", "multivariate-tpe", "bayesianoptimization", "hyperband", "asha");

  private SuggestionAlgorithms() {}

  /**
   * The algorithm of {@code experiment}.
   *
   * @throws CapstanException INVALID_SPEC naming the algorithm's name or setting that is wrong
   */
  public static SuggestionAlgorithm create(Experiment experiment) {
    AlgorithmSpec spec = experiment.algorithm();
    SearchSpace space = SearchSpace.of(experiment.parameters());
    return switch (spec.algorithmName()) {
      case "random" -> {
        spec.rejectUnknownSettings(Set.of("random_state"));
        yield new RandomSearch(space);
      }
      case "grid" -> {
        spec.rejectUnknownSettings(Set.of());
        yield new GridSearch(experiment.parameters());
      }
      case "tpe", "multivariate-tpe", "bayesianoptimization" ->
          new Tpe(space, experiment.objective().type(), TpeSettings.of(spec));
      case "hyperband" ->
          new Hyperband(space, experiment.objective().type(), ResourceSettings.of(experiment));
      case "asha" ->
          new Asha(space, experiment.objective().type(), ResourceSettings.of(experiment));
      default ->
          throw CapstanException.invalidSpec(
              spec.path() + ".algorithmName",
              "Expected spec.algorithm.algorithmName to be one of "
                  + String.join(", ", NAMES)
                  + ", but was '"
                  + spec.algorithmName()
                  + "'");
    };
  }

  /**
   * The seed of {@code experiment}'s suggestions: its {@code random_state} setting when set, else
   * {@code generated}, which the caller draws once and stores with the experiment.
   */
  public static long seed(Experiment experiment, long generated) {
    AlgorithmSpec spec = experiment.algorithm();
    return spec.setting("random_state") == null
        ? generated
        : (long) spec.intSetting("random_state", 0, 0);
  }
}
