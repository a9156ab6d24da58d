package io.capstan.tuning.suggestion;

import static io.capstan.tuning.TestingExperiments.experiment;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.tuning.experiment.Experiment;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TPE, independent and multivariate, finds good regions far sooner than random search, and is
 * deterministic for a seed.
 */
class TpeTest {
  private static final int SEEDS = 20;

  static double branin(Assignment a) {
    double x1 = TestingRuns.number(a, "x1");
    double x2 = TestingRuns.number(a, "x2");
    double b = 5.1 / (4 * Math.PI * Math.PI);
    double c = 5 / Math.PI;
    double t = 1 / (8 * Math.PI);
    return Math.pow(x2 - b * x1 * x1 + c * x1 - 6, 2) + 10 * (1 - t) * Math.cos(x1) + 10;
  }

  private static Experiment branin(String algorithm) {
    return experiment()
        .algorithm(algorithm)
        .param("x1", "double", "min: -5, max: 10")
        .param("x2", "double", "min: 0, max: 15")
        .load();
  }

  private static double meanBest(
      Experiment experiment, int trials, ToDoubleFunction<Assignment> objective) {
    SuggestionAlgorithm algorithm = SuggestionAlgorithms.create(experiment);
    double sum = 0;
    for (long seed = 0; seed < SEEDS; seed++) {
      sum += TestingRuns.best(TestingRuns.run(algorithm, seed, trials, objective));
    }
    return sum / SEEDS;
  }

  @ParameterizedTest
  @ValueSource(strings = {"tpe", "multivariate-tpe"})
  void beatsRandomSearchOnBranin(String algorithm) {
    double tpe60 = meanBest(branin(algorithm), 60, TpeTest::branin);
    double random60 = meanBest(branin("random"), 60, TpeTest::branin);
    double random120 = meanBest(branin("random"), 120, TpeTest::branin);
    assertThat(tpe60).isLessThan(random60);
    // 60 TPE trials do better than twice as many random ones (Branin's minimum is 0.398)
    assertThat(tpe60).isLessThan(random120);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tpe", "multivariate-tpe"})
  void beatsRandomSearchOnALogScaleQuadraticWithACategory(String algorithm) {
    Experiment tpe =
        experiment()
            .algorithm(algorithm)
            .param("lr", "double", "min: '0.00001', max: '1', distribution: logUniform")
            .param("layers", "int", "min: 1, max: 10")
            .param("act", "categorical", "list: [relu, tanh, sigmoid, elu]")
            .load();
    Experiment random =
        experiment()
            .algorithm("random")
            .param("lr", "double", "min: '0.00001', max: '1', distribution: logUniform")
            .param("layers", "int", "min: 1, max: 10")
            .param("act", "categorical", "list: [relu, tanh, sigmoid, elu]")
            .load();
    ToDoubleFunction<Assignment> loss =
        a ->
            Math.pow(Math.log10(TestingRuns.number(a, "lr")) + 3, 2)
                + Math.pow(TestingRuns.number(a, "layers") - 4, 2) / 4
                + (a.value("act").equals("tanh") ? 0 : 1);
    double tpe40 = meanBest(tpe, 40, loss);
    double random40 = meanBest(random, 40, loss);
    assertThat(tpe40).isLessThan(random40);
  }

  @Test
  void multivariateKeepsWhatGoodTrialsShare() {
    // two equal minima, (0.2, 0.8) and (0.8, 0.2): per parameter, (0.2, 0.2) looks as good
    ToDoubleFunction<Assignment> valley =
        a -> {
          double x = TestingRuns.number(a, "x");
          double y = TestingRuns.number(a, "y");
          return Math.min(Math.hypot(x - 0.2, y - 0.8), Math.hypot(x - 0.8, y - 0.2));
        };
    double independent = meanBest(square("tpe"), 40, valley);
    double multivariate = meanBest(square("multivariate-tpe"), 40, valley);
    assertThat(multivariate).isLessThan(independent);
    assertThat(multivariate).isLessThan(meanBest(square("random"), 40, valley));
  }

  private static Experiment square(String algorithm) {
    return experiment()
        .algorithm(algorithm)
        .param("x", "double", "min: 0, max: 1")
        .param("y", "double", "min: 0, max: 1")
        .load();
  }

  @ParameterizedTest
  @ValueSource(strings = {"tpe", "multivariate-tpe", "bayesianoptimization"})
  void isDeterministicForASeed(String algorithm) {
    SuggestionAlgorithm tpe = SuggestionAlgorithms.create(branin(algorithm));
    List<Trial> first = TestingRuns.run(tpe, 5, 30, TpeTest::branin);
    List<Trial> again = TestingRuns.run(tpe, 5, 30, TpeTest::branin);

    assertThat(again).isEqualTo(first);
    assertThat(tpe.suggest(new ExperimentState(5, first), 3))
        .isEqualTo(tpe.suggest(new ExperimentState(5, first), 3));
  }
}
