package io.capstan.tuning.suggestion;

import static io.capstan.tuning.TestingExperiments.experiment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.error.CapstanException;
import org.junit.jupiter.api.Test;

/** Settings are checked under Katib's names when the algorithm is built. */
class SuggestionAlgorithmsTest {
  @Test
  void refusesBadSettingsNamingTheSetting() {
    assertThatThrownBy(
            () ->
                experiment()
                    .algorithm("tpe")
                    .setting("gamma", "1.5")
                    .param("x", "double", "min: 0, max: 1")
                    .load())
        .isInstanceOfSatisfying(
            CapstanException.class,
            e -> assertThat(e.field()).isEqualTo("spec.algorithm.algorithmSettings[0].value"))
        .hasMessage(
            "Expected setting gamma of tpe to be between 0.0 and 1.0 (exclusive), but was '1.5'");
    assertThatThrownBy(
            () ->
                experiment()
                    .algorithm("bayesianoptimization")
                    .setting("base_estimator", "GP")
                    .param("x", "double", "min: 0, max: 1")
                    .load())
        .hasMessageContaining("among n_initial_points, random_state, but found 'base_estimator'");
    // Katib's Optuna service names its settings n_startup_trials and n_ei_candidates
    assertThatThrownBy(
            () ->
                experiment()
                    .algorithm("multivariate-tpe")
                    .setting("gamma", "0.2")
                    .param("x", "double", "min: 0, max: 1")
                    .load())
        .hasMessageContaining(
            "among n_ei_candidates, n_startup_trials, random_state, but found 'gamma'");
    assertThatThrownBy(
            () ->
                experiment()
                    .algorithm("hyperband")
                    .setting("resource_name", "x")
                    .param("x", "int", "min: 1, max: 1")
                    .load())
        .hasMessageContaining("Expected setting r_l");
    assertThatThrownBy(
            () -> experiment().medianStop(0, 1).param("x", "double", "min: 0, max: 1").load())
        .isInstanceOfSatisfying(
            CapstanException.class,
            e -> assertThat(e.field()).isEqualTo("spec.earlyStopping.algorithmSettings[0].value"));
  }

  @Test
  void takesTheSeedFromRandomState() {
    assertThat(
            SuggestionAlgorithms.seed(
                experiment()
                    .setting("random_state", "10")
                    .param("x", "double", "min: 0, max: 1")
                    .load(),
                99))
        .isEqualTo(10);
    assertThat(
            SuggestionAlgorithms.seed(
                experiment().param("x", "double", "min: 0, max: 1").load(), 99))
        .isEqualTo(99);
  }
}
