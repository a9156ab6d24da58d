package io.capstan.tuning.suggestion;

import static java.util.Objects.requireNonNull;

import io.capstan.tuning.experiment.ObjectiveType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Tree-structured Parzen Estimator (Bergstra et al., NeurIPS 2011), as hyperopt runs it: after
 * {@code n_startup_jobs} random trials, the observed trials are split into the best {@code
 * ceil(gamma * sqrt(n))} and the rest; each parameter gets a Parzen estimator l(x) of the best and
 * g(x) of the rest, and takes, of {@code n_EI_candidates} draws from l, the one with the largest
 * l(x) / g(x) (which maximizes expected improvement). Categorical and discrete parameters use
 * counts with {@code prior_weight} pseudo-counts spread over the choices.
 */
final class Tpe implements SuggestionAlgorithm {
  /**
   * Enough good trials for a sharp l(x); more would blur it with mediocre ones (Optuna caps at 25).
   */
  static final int MAX_BELOW = 25;

  private final SearchSpace space;
  private final ObjectiveType objective;
  private final TpeSettings settings;

  Tpe(SearchSpace space, ObjectiveType objective, TpeSettings settings) {
    this.space = requireNonNull(space, "space is null");
    this.objective = requireNonNull(objective, "objective is null");
    this.settings = requireNonNull(settings, "settings is null");
  }

  @Override
  public Optional<Assignment> next(ExperimentState state) {
    TrialRandom random = new TrialRandom(state.seed(), state.trials().size());
    List<Trial> observed = new ArrayList<>(state.observed());
    if (observed.size() < settings.startupTrials()) {
      return Optional.of(space.sample(random));
    }
    observed.sort(Comparator.comparingDouble(trial -> objective.loss(trial.objective())));
    int below =
        Math.max(1, Math.min(MAX_BELOW, (int) Math.ceil(settings.gamma() * observed.size())));
    List<Trial> good = observed.subList(0, below);
    List<Trial> bad = observed.subList(below, observed.size());
    Map<String, String> values = new LinkedHashMap<>();
    for (Dimension dimension : space.dimensions()) {
      values.put(dimension.name(), dimension.external(best(dimension, good, bad, random)));
    }
    return Optional.of(new Assignment(values));
  }

  private double best(Dimension dimension, List<Trial> good, List<Trial> bad, TrialRandom random) {
    if (dimension.categorical()) {
      return bestChoice(dimension, good, bad, random);
    }
    ParzenEstimator l =
        new ParzenEstimator(
            coordinates(dimension, good),
            dimension.low(),
            dimension.high(),
            settings.priorWeight());
    ParzenEstimator g =
        new ParzenEstimator(
            coordinates(dimension, bad), dimension.low(), dimension.high(), settings.priorWeight());
    double best = Double.NaN;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < settings.candidates(); i++) {
      double x = l.sample(random);
      double score = l.logDensity(x) - g.logDensity(x);
      if (score > bestScore) {
        bestScore = score;
        best = x;
      }
    }
    return best;
  }

  private double bestChoice(
      Dimension dimension, List<Trial> good, List<Trial> bad, TrialRandom random) {
    double[] l = choiceWeights(dimension, good);
    double[] g = choiceWeights(dimension, bad);
    int best = 0;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < settings.candidates(); i++) {
      int choice = draw(l, random);
      double score = StrictMath.log(l[choice]) - StrictMath.log(g[choice]);
      if (score > bestScore) {
        bestScore = score;
        best = choice;
      }
    }
    return best;
  }

  private double[] choiceWeights(Dimension dimension, List<Trial> trials) {
    int choices = dimension.choices().size();
    double[] weights = new double[choices];
    double total = settings.priorWeight() + trials.size();
    for (int i = 0; i < choices; i++) {
      weights[i] = settings.priorWeight() / choices / total;
    }
    for (Trial trial : trials) {
      int index = (int) dimension.internal(trial.assignment().value(dimension.name()));
      if (index >= 0) {
        weights[index] += 1 / total;
      }
    }
    return weights;
  }

  private static int draw(double[] weights, TrialRandom random) {
    double u = random.nextDouble();
    double cumulative = 0;
    for (int i = 0; i < weights.length; i++) {
      cumulative += weights[i];
      if (u < cumulative) {
        return i;
      }
    }
    return weights.length - 1;
  }

  private static double[] coordinates(Dimension dimension, List<Trial> trials) {
    double[] coordinates = new double[trials.size()];
    for (int i = 0; i < coordinates.length; i++) {
      double x = dimension.internal(trials.get(i).assignment().value(dimension.name()));
      coordinates[i] = Math.max(dimension.low(), Math.min(dimension.high(), x));
    }
    return coordinates;
  }
}
