package io.capstan.tuning.suggestion;

import io.capstan.tuning.experiment.AlgorithmSpec;
import java.util.Set;

/**
 * TPE's settings. {@code tpe} under Katib's (hyperopt's) names: {@code gamma} (0.1: the good set is
 * the best {@code ceil(gamma * n)} trials, at most 25), {@code prior_weight} (1.0), {@code
 * n_EI_candidates} (24), {@code random_state}, and Capstan's {@code n_startup_jobs} (10). {@code
 * multivariate-tpe} under the names of Katib's Optuna service: {@code n_startup_trials} (10),
 * {@code n_ei_candidates} (24), {@code random_state}. {@code bayesianoptimization}, which Capstan
 * runs as multivariate TPE: {@code random_state} and {@code n_initial_points} (the startup trials).
 */
record TpeSettings(
    double gamma, double priorWeight, int candidates, int startupTrials, boolean multivariate) {
  /** Optuna's {@code default_gamma}; hyperopt's 0.25 of sqrt(n) keeps too few (decision 102). */
  static final double GAMMA = 0.1;

  static final double PRIOR_WEIGHT = 1.0;
  static final int CANDIDATES = 24;
  static final int STARTUP_TRIALS = 10;
  static final Set<String> TPE =
      Set.of("gamma", "prior_weight", "n_EI_candidates", "random_state", "n_startup_jobs");
  static final Set<String> MULTIVARIATE =
      Set.of("n_startup_trials", "n_ei_candidates", "random_state");
  static final Set<String> BAYESIAN = Set.of("random_state", "n_initial_points");

  static TpeSettings of(AlgorithmSpec spec) {
    switch (spec.algorithmName()) {
      case "bayesianoptimization" -> {
        spec.rejectUnknownSettings(BAYESIAN);
        return new TpeSettings(
            GAMMA,
            PRIOR_WEIGHT,
            CANDIDATES,
            spec.intSetting("n_initial_points", STARTUP_TRIALS, 1),
            true);
      }
      case "multivariate-tpe" -> {
        spec.rejectUnknownSettings(MULTIVARIATE);
        return new TpeSettings(
            GAMMA,
            PRIOR_WEIGHT,
            spec.intSetting("n_ei_candidates", CANDIDATES, 1),
            spec.intSetting("n_startup_trials", STARTUP_TRIALS, 1),
            true);
      }
      default -> {
        spec.rejectUnknownSettings(TPE);
        return new TpeSettings(
            spec.openRangeSetting("gamma", GAMMA, 0, 1),
            spec.openRangeSetting("prior_weight", PRIOR_WEIGHT, 0, Double.MAX_VALUE),
            spec.intSetting("n_EI_candidates", CANDIDATES, 1),
            spec.intSetting("n_startup_jobs", STARTUP_TRIALS, 1),
            false);
      }
    }
  }
}
