package io.capstan.tuning;

import io.capstan.api.error.CapstanException;
import io.capstan.tuning.earlystopping.MedianStoppingRule;
import io.capstan.tuning.experiment.Experiment;
import io.capstan.tuning.experiment.ExperimentParser;
import io.capstan.tuning.suggestion.SuggestionAlgorithms;

/**
 * The entry point for an Experiment a user submits: parses and validates it ({@link
 * ExperimentParser}), then builds its suggestion algorithm and early-stopping rule once so that a
 * bad algorithm name or setting is refused at submission, not at the first suggestion.
 */
public final class ExperimentLoader {
  private final ExperimentParser parser = new ExperimentParser();

  /**
   * The validated experiment of {@code text}.
   *
   * @throws CapstanException INVALID_SPEC naming the offending field
   */
  public Experiment load(String text) {
    Experiment experiment = parser.parse(text);
    SuggestionAlgorithms.create(experiment);
    if (experiment.earlyStopping() != null) {
      MedianStoppingRule.of(experiment);
    }
    return experiment;
  }
}
