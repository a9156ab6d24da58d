package io.capstan.tuning.suggestion;

import static io.capstan.tuning.TestingExperiments.experiment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Random search respects every kind of space and is a pure function of the seed and the state. */
class RandomSearchTest {
  private final SuggestionAlgorithm random =
      SuggestionAlgorithms.create(
          experiment()
              .param("lr", "double", "min: '0.0001', max: '0.1', distribution: logUniform")
              .param("momentum", "double", "min: '0.5', max: '0.9', step: '0.1'")
              .param("layers", "int", "min: 1, max: 4")
              .param("optimizer", "categorical", "list: [sgd, adam, rmsprop]")
              .param("batch", "discrete", "list: [16, 32, 64]")
              .param("dropout", "double", "min: 0, max: 0.6, distribution: normal")
              .load());

  private List<Assignment> draws(long seed, int count) {
    return random.suggest(new ExperimentState(seed, List.of()), count);
  }

  @Test
  void staysInsideTheSpaceAndCoversEveryValue() {
    List<Assignment> draws = draws(7, 3000);

    assertThat(draws)
        .allSatisfy(a -> assertThat(TestingRuns.number(a, "lr")).isBetween(0.0001, 0.1));
    assertThat(values(draws, "momentum")).containsOnlyKeys("0.5", "0.6", "0.7", "0.8", "0.9");
    assertThat(values(draws, "layers")).containsOnlyKeys("1", "2", "3", "4");
    assertThat(values(draws, "optimizer")).containsOnlyKeys("sgd", "adam", "rmsprop");
    assertThat(values(draws, "batch")).containsOnlyKeys("16", "32", "64");
    // every value of an int or a step gets its share, the ends included
    assertThat(values(draws, "layers").values())
        .allSatisfy(n -> assertThat(n).isBetween(600L, 900L));
    assertThat(values(draws, "momentum").values())
        .allSatisfy(n -> assertThat(n).isBetween(480L, 720L));
  }

  @Test
  void drawsLogUniformOnALogScaleAndNormalAroundTheMiddle() {
    List<Assignment> draws = draws(11, 4000);

    // log-uniform over [1e-4, 1e-1]: half below the geometric middle 10^-2.5, a third per decade
    double belowMiddle =
        draws.stream().filter(a -> TestingRuns.number(a, "lr") < Math.pow(10, -2.5)).count()
            / 4000.0;
    double lowestDecade =
        draws.stream().filter(a -> TestingRuns.number(a, "lr") < 1e-3).count() / 4000.0;
    assertThat(belowMiddle).isCloseTo(0.5, within(0.03));
    assertThat(lowestDecade).isCloseTo(1 / 3.0, within(0.03));
    // normal: mean at the middle, a sixth of the range as standard deviation, inside the range
    double[] dropout = draws.stream().mapToDouble(a -> TestingRuns.number(a, "dropout")).toArray();
    double mean = java.util.Arrays.stream(dropout).average().orElseThrow();
    double sd =
        Math.sqrt(
            java.util.Arrays.stream(dropout)
                .map(x -> (x - mean) * (x - mean))
                .average()
                .orElseThrow());
    assertThat(mean).isCloseTo(0.3, within(0.01));
    assertThat(sd).isCloseTo(0.1, within(0.01));
    assertThat(java.util.Arrays.stream(dropout).min().orElseThrow()).isGreaterThanOrEqualTo(0.0);
    assertThat(java.util.Arrays.stream(dropout).max().orElseThrow()).isLessThanOrEqualTo(0.6);
  }

  @Test
  void givesTheSameAnswerForTheSameStateAndSeed() {
    assertThat(draws(3, 20)).isEqualTo(draws(3, 20));
    assertThat(draws(3, 20)).isNotEqualTo(draws(4, 20));
    // asking for five at once is asking five times, each after the last answer's trial was created
    List<Assignment> oneByOne = new ArrayList<>();
    ExperimentState state = new ExperimentState(3, List.of());
    for (int i = 0; i < 5; i++) {
      Assignment next = random.suggest(state, 1).get(0);
      oneByOne.add(next);
      state = state.withPending(next);
    }
    assertThat(draws(3, 5)).isEqualTo(oneByOne);
  }

  @Test
  void drawsKnownValuesForAKnownSeed() {
    // the same bits on every JVM: SplitMix64 and StrictMath, no platform randomness
    Assignment first = draws(42, 1).get(0);
    assertThat(first).isEqualTo(draws(42, 1).get(0));
    assertThat(first.values())
        .containsOnlyKeys("lr", "momentum", "layers", "optimizer", "batch", "dropout");
    assertThat(new TrialRandom(42, 0).nextLong()).isEqualTo(new TrialRandom(42, 0).nextLong());
    // computed apart, with a ten-line SplitMix64 in Python
    assertThat(new TrialRandom(0, 0).nextLong()).isEqualTo(-8993254619027078863L);
  }

  private static Map<String, Long> values(List<Assignment> draws, String parameter) {
    return draws.stream()
        .collect(Collectors.groupingBy(a -> a.value(parameter), Collectors.counting()));
  }
}
