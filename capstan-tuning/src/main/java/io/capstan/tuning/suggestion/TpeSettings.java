package io.capstan.tuning.suggestion;

import io.capstan.tuning.experiment.AlgorithmSpec;
import java.util.Set;

/**
 * TPE's settings under Katib's names: {@code gamma} (0.25), {@code prior_weight} (1.0), {@code
 * n_EI_candidates} (24), {@code random_state}, and Capstan's {@code n_startup_jobs} (10); for
 * {@code bayesianoptimization}, which Capstan runs as TPE, {@code random_state} and {@code
 * n_initial_points} (the startup trials).
 */
record TpeSettings(double gamma, double priorWeight, int candidates, int startupTrials) {
  static final Set<String> TPE =
      Set.of("gamma", "prior_weight", "n_EI_candidates", "random_state", "n_startup_jobs");
  static final Set<String> BAYESIAN = Set.of("random_state", "n_initial_points");

  static TpeSettings of(AlgorithmSpec spec) {
    if (spec.algorithmName().equals("bayesianoptimization")) {
      spec.rejectUnknownSettings(BAYESIAN);
      return new TpeSettings(0.25, 1.0, 24, spec.intSetting("n_initial_points", 10, 1));
    }
    spec.rejectUnknownSettings(TPE);
    return new TpeSettings(
        spec.openRangeSetting("gamma", 0.25, 0, 1),
        spec.openRangeSetting("prior_weight", 1.0, 0, Double.MAX_VALUE),
        spec.intSetting("n_EI_candidates", 24, 1),
        spec.intSetting("n_startup_jobs", 10, 1));
  }
}
