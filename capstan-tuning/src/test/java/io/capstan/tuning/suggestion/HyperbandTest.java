package io.capstan.tuning.suggestion;

import static io.capstan.tuning.TestingExperiments.experiment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.tuning.suggestion.Hyperband.Rung;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hyperband's brackets are the paper's, and successive halving keeps the best of each rung. */
class HyperbandTest {
  private final Hyperband hyperband =
      (Hyperband)
          SuggestionAlgorithms.create(
              experiment()
                  .algorithm("hyperband")
                  .setting("resource_name", "epochs")
                  .setting("eta", "3")
                  .setting("r_l", "81")
                  .param("lr", "double", "min: 0, max: 1")
                  .param("epochs", "int", "min: 1, max: 1")
                  .load());

  /** The loss of a configuration: lower lr is better, and more epochs help. */
  private static double loss(Assignment a) {
    return TestingRuns.number(a, "lr") + 1 / TestingRuns.number(a, "epochs");
  }

  @Test
  void bracketsMatchThePapersTableForEta3AndR81() {
    // Li et al., JMLR 2018, Table 1: (n_i, r_i) per bracket s and rung i
    List<List<int[]>> table =
        List.of(
            List.of(
                new int[] {81, 1},
                new int[] {27, 3},
                new int[] {9, 9},
                new int[] {3, 27},
                new int[] {1, 81}),
            List.of(new int[] {34, 3}, new int[] {11, 9}, new int[] {3, 27}, new int[] {1, 81}),
            List.of(new int[] {15, 9}, new int[] {5, 27}, new int[] {1, 81}),
            List.of(new int[] {8, 27}, new int[] {2, 81}),
            List.of(new int[] {5, 81}));
    List<int[]> expected = table.stream().flatMap(List::stream).toList();

    List<Rung> schedule = hyperband.schedule();

    assertThat(schedule).hasSize(expected.size());
    for (int i = 0; i < schedule.size(); i++) {
      assertThat(schedule.get(i).trials()).as("rung %s", i).isEqualTo(expected.get(i)[0]);
      assertThat(schedule.get(i).resource()).as("rung %s", i).isEqualTo(expected.get(i)[1]);
    }
  }

  @Test
  void promotesTheBestThirdOfEachRungAndEndsAfterTheLastBracket() {
    List<Trial> trials = TestingRuns.run(hyperband, 9, 10_000, HyperbandTest::loss);

    assertThat(trials).hasSize(206);
    List<Trial> first = trials.subList(0, 81);
    assertThat(first).allSatisfy(t -> assertThat(t.assignment().value("epochs")).isEqualTo("1"));
    List<String> bestThird =
        first.stream()
            .sorted(Comparator.comparingDouble(Trial::objective))
            .limit(27)
            .map(t -> t.assignment().value("lr"))
            .toList();
    List<Trial> second = trials.subList(81, 108);
    assertThat(second)
        .extracting(t -> t.assignment().value("lr"))
        .containsExactlyElementsOf(bestThird);
    assertThat(second).allSatisfy(t -> assertThat(t.assignment().value("epochs")).isEqualTo("3"));
    assertThat(trials.get(120).assignment().value("epochs")).isEqualTo("81");
    assertThat(trials.get(121).assignment().value("epochs")).isEqualTo("3");
    assertThatThrownBy(() -> hyperband.suggest(new ExperimentState(9, trials), 1))
        .isInstanceOf(SearchExhaustedException.class);
  }

  @Test
  void waitsForARungToFinishBeforePromoting() {
    List<Trial> trials = new ArrayList<>(TestingRuns.run(hyperband, 9, 81, HyperbandTest::loss));
    Trial last = trials.remove(80);
    trials.add(Trial.running(last.name(), last.assignment()));

    assertThat(hyperband.suggest(new ExperimentState(9, trials), 5)).isEmpty();

    trials.set(80, new Trial(last.name(), last.assignment(), TrialStatus.FAILED, null, List.of()));
    assertThat(hyperband.suggest(new ExperimentState(9, trials), 100)).hasSize(27);
  }

  @Test
  void withRepeatBracketsTheBracketsRunAgainUntilMaxTrialCount() {
    Hyperband repeating =
        (Hyperband)
            SuggestionAlgorithms.create(
                experiment()
                    .algorithm("hyperband")
                    .setting("resource_name", "epochs")
                    .setting("r_l", "9")
                    .setting("repeat_brackets", "true")
                    .param("lr", "double", "min: 0, max: 1")
                    .param("epochs", "int", "min: 1, max: 1")
                    .load());
    int pass = repeating.schedule().stream().mapToInt(Rung::trials).sum();

    List<Trial> trials = TestingRuns.run(repeating, 9, 2 * pass + 3, HyperbandTest::loss);

    assertThat(trials).hasSize(2 * pass + 3);
    // The second pass starts the first bracket again with new configurations.
    assertThat(trials.get(pass).assignment().value("epochs")).isEqualTo("1");
    assertThat(trials.get(pass).assignment().value("lr"))
        .isNotEqualTo(trials.get(0).assignment().value("lr"));
    assertThat(trials.subList(pass, 2 * pass))
        .extracting(t -> t.assignment().value("epochs"))
        .containsExactlyElementsOf(
            trials.subList(0, pass).stream().map(t -> t.assignment().value("epochs")).toList());
  }

  @Test
  void theSamplerTpeDrawsFromTheModelOnceALevelHasEnoughTrialsAndIsDeterministic() {
    List<Trial> random = TestingRuns.run(repeating("random"), 9, 60, HyperbandTest::loss);
    SuggestionAlgorithm bohb = repeating("tpe");

    List<Trial> trials = TestingRuns.run(bohb, 9, 60, HyperbandTest::loss);

    assertThat(TestingRuns.run(bohb, 9, 60, HyperbandTest::loss)).isEqualTo(trials);
    assertThat(trials)
        .allSatisfy(t -> assertThat(TestingRuns.number(t.assignment(), "lr")).isBetween(0.0, 1.0));
    // Until a resource level has d + 2 = 3 observed trials, the draws are the random sampler's;
    // then about two in three come from the model of the largest such level.
    assertThat(trials.subList(0, 3)).isEqualTo(random.subList(0, 3));
    assertThat(trials.subList(3, 9)).isNotEqualTo(random.subList(3, 9));
  }

  private static SuggestionAlgorithm repeating(String sampler) {
    return SuggestionAlgorithms.create(
        experiment()
            .algorithm("hyperband")
            .setting("resource_name", "epochs")
            .setting("r_l", "9")
            .setting("repeat_brackets", "true")
            .setting("sampler", sampler)
            .param("lr", "double", "min: 0, max: 1")
            .param("epochs", "int", "min: 1, max: 1")
            .load());
  }

  @Test
  void anUnknownSamplerOrRepeatValueIsRefusedNamingTheSetting() {
    assertThatThrownBy(
            () ->
                SuggestionAlgorithms.create(
                    experiment()
                        .algorithm("hyperband")
                        .setting("resource_name", "epochs")
                        .setting("r_l", "9")
                        .setting("sampler", "gp")
                        .param("lr", "double", "min: 0, max: 1")
                        .param("epochs", "int", "min: 1, max: 1")
                        .load()))
        .hasMessageContaining("sampler")
        .hasMessageContaining("random, tpe")
        .hasMessageContaining("'gp'");
  }
}
