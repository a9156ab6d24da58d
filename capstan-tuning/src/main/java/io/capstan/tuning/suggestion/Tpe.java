package io.capstan.tuning.suggestion;

import static java.util.Objects.requireNonNull;

import io.capstan.tuning.experiment.ObjectiveType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Tree-structured Parzen Estimator (Bergstra et al., NeurIPS 2011): after {@code
 * n_startup_jobs} random trials, the observed trials are split into the best {@code ceil(gamma *
 * n)} (at most 25) and the rest; a Parzen estimator l(x) of the best and g(x) of the rest (older
 * trials fading linearly beyond the newest 25), and of {@code n_EI_candidates} draws from l the one
 * with the largest l(x) / g(x) (which maximizes expected improvement). Independent ({@code tpe}, as
 * hyperopt): one estimator pair and one choice per parameter, categorical and discrete parameters
 * by counts with {@code prior_weight} pseudo-counts. Multivariate ({@code multivariate-tpe}, as
 * Optuna's): one estimator pair over all parameters, candidates drawn and scored whole.
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
    List<Trial> observed = new ArrayList<>();
    for (Trial trial : state.trials()) {
      if (trial.observed()) {
        observed.add(trial);
      }
    }
    if (observed.size() < settings.startupTrials()) {
      return Optional.of(space.sample(random));
    }
    int below =
        Math.max(1, Math.min(MAX_BELOW, (int) Math.ceil(settings.gamma() * observed.size())));
    Observations observations = Observations.of(space, objective, observed, below);
    double[] x =
        settings.multivariate() ? joint(observations, random) : independent(observations, random);
    Map<String, String> values = new LinkedHashMap<>();
    List<Dimension> dimensions = space.dimensions();
    for (int d = 0; d < x.length; d++) {
      values.put(dimensions.get(d).name(), dimensions.get(d).external(x[d]));
    }
    return Optional.of(new Assignment(values));
  }

  private double[] joint(Observations observations, TrialRandom random) {
    List<Dimension> dimensions = space.dimensions();
    JointParzenEstimator l =
        new JointParzenEstimator(
            dimensions, observations.good(), observations.goodWeights(), settings.priorWeight());
    JointParzenEstimator g =
        new JointParzenEstimator(
            dimensions, observations.bad(), observations.badWeights(), settings.priorWeight());
    double[] best = null;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < settings.candidates(); i++) {
      double[] x = l.sample(random);
      double score = l.logDensity(x) - g.logDensity(x);
      if (best == null || score > bestScore) {
        bestScore = score;
        best = x;
      }
    }
    return best;
  }

  private double[] independent(Observations observations, TrialRandom random) {
    List<Dimension> dimensions = space.dimensions();
    double[] x = new double[dimensions.size()];
    for (int d = 0; d < x.length; d++) {
      Dimension dimension = dimensions.get(d);
      double[] good = column(observations.good(), d);
      double[] bad = column(observations.bad(), d);
      x[d] =
          dimension.categorical()
              ? bestChoice(dimension, good, observations.goodWeights(), bad, observations, random)
              : bestValue(dimension, good, bad, observations, random);
    }
    return x;
  }

  private double bestValue(
      Dimension dimension,
      double[] good,
      double[] bad,
      Observations observations,
      TrialRandom random) {
    ParzenEstimator l =
        new ParzenEstimator(
            good,
            observations.goodWeights(),
            dimension.low(),
            dimension.high(),
            settings.priorWeight());
    ParzenEstimator g =
        new ParzenEstimator(
            bad,
            observations.badWeights(),
            dimension.low(),
            dimension.high(),
            settings.priorWeight());
    double best = Double.NaN;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < settings.candidates(); i++) {
      double x = l.sample(random);
      double score = l.logDensity(x) - g.logDensity(x);
      if (Double.isNaN(best) || score > bestScore) {
        bestScore = score;
        best = x;
      }
    }
    return best;
  }

  private double bestChoice(
      Dimension dimension,
      double[] good,
      double[] goodWeights,
      double[] bad,
      Observations observations,
      TrialRandom random) {
    double[] l = choiceWeights(dimension, good, goodWeights);
    double[] g = choiceWeights(dimension, bad, observations.badWeights());
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

  private double[] choiceWeights(Dimension dimension, double[] indices, double[] weights) {
    int choices = dimension.choices().size();
    double[] counts = new double[choices];
    double total = settings.priorWeight();
    for (int i = 0; i < choices; i++) {
      counts[i] = settings.priorWeight() / choices;
    }
    for (int i = 0; i < indices.length; i++) {
      int index = (int) indices[i];
      if (index >= 0) {
        counts[index] += weights[i];
        total += weights[i];
      }
    }
    for (int i = 0; i < choices; i++) {
      counts[i] /= total;
    }
    return counts;
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

  private static double[] column(double[][] rows, int d) {
    double[] column = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      column[i] = rows[i][d];
    }
    return column;
  }
}
