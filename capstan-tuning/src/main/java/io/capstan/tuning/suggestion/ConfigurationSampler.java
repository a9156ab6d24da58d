package io.capstan.tuning.suggestion;

import static java.util.Objects.requireNonNull;

import io.capstan.tuning.experiment.ObjectiveType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where Hyperband and ASHA get a new configuration: a random draw (Katib's, the default), or, with
 * setting {@code sampler: tpe}, BOHB's (Falkner et al. 2018): the multivariate TPE over the
 * observed trials of the largest resource that has at least {@code d + 2} of them (d parameters
 * besides the resource), with a third of the configurations still drawn at random. The resource
 * parameter is left out of the model: the caller sets it.
 */
final class ConfigurationSampler {
  /** BOHB's {@code random_fraction}: draws that keep exploring whatever the model says. */
  static final double RANDOM_FRACTION = 1.0 / 3;

  private final SearchSpace space;
  private final String resource;
  private final Tpe model;
  private final int minimum;

  /**
   * @param space every parameter, the resource included
   * @param tpe whether configurations come from the TPE model (BOHB) rather than at random
   */
  ConfigurationSampler(SearchSpace space, ObjectiveType objective, String resource, boolean tpe) {
    this.space = requireNonNull(space, "space is null");
    this.resource = requireNonNull(resource, "resource is null");
    SearchSpace modelled =
        new SearchSpace(
            space.dimensions().stream().filter(d -> !d.name().equals(resource)).toList());
    this.minimum = modelled.dimensions().size() + 2;
    this.model =
        tpe
            ? new Tpe(
                modelled,
                objective,
                new TpeSettings(
                    TpeSettings.GAMMA,
                    TpeSettings.PRIOR_WEIGHT,
                    TpeSettings.CANDIDATES,
                    minimum,
                    true))
            : null;
  }

  /**
   * A configuration for the trial at index {@code state.trials().size()}; its resource is unset.
   */
  Assignment sample(ExperimentState state) {
    int index = state.trials().size();
    TrialRandom random = new TrialRandom(state.seed(), index);
    Assignment drawn = space.sample(random);
    if (model == null || random.nextDouble() < RANDOM_FRACTION) {
      return drawn;
    }
    List<Trial> level = largestLevel(state.trials());
    if (level.isEmpty()) {
      return drawn;
    }
    // A seed of its own per trial index: the same level may be modelled for several new trials.
    long seed = state.seed() ^ (0x9E3779B97F4A7C15L * (index + 1));
    return model.next(new ExperimentState(seed, level)).orElse(drawn);
  }

  /** The observed trials of the largest resource value with at least {@link #minimum} of them. */
  private List<Trial> largestLevel(List<Trial> trials) {
    Map<String, List<Trial>> byValue = new LinkedHashMap<>();
    for (Trial trial : trials) {
      String value = trial.assignment().values().get(resource);
      if (trial.observed() && value != null) {
        byValue.computeIfAbsent(value, v -> new ArrayList<>()).add(trial);
      }
    }
    List<Trial> best = List.of();
    double largest = Double.NEGATIVE_INFINITY;
    for (Map.Entry<String, List<Trial>> entry : byValue.entrySet()) {
      double amount = Double.parseDouble(entry.getKey());
      if (entry.getValue().size() >= minimum && amount > largest) {
        largest = amount;
        best = entry.getValue();
      }
    }
    return best;
  }
}
