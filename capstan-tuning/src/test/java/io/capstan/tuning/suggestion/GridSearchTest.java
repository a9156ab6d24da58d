package io.capstan.tuning.suggestion;

import static io.capstan.tuning.TestingExperiments.experiment;
import static io.capstan.tuning.TestingExperiments.katibExample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.tuning.ExperimentLoader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Grid search enumerates exactly the grid, then ends the experiment. */
class GridSearchTest {
  @Test
  void enumeratesKatibsGridExampleExactlyOnce() {
    SuggestionAlgorithm grid =
        SuggestionAlgorithms.create(new ExperimentLoader().load(katibExample("grid")));

    List<Trial> trials = TestingRuns.run(grid, 1, 1000, a -> 0);

    assertThat(trials).hasSize(9 * 5);
    assertThat(new HashSet<>(trials.stream().map(t -> t.assignment().values()).toList()))
        .hasSize(45);
    assertThat(trials.stream().map(t -> t.assignment().value("lr")).distinct())
        .containsExactly(
            "0.01", "0.015", "0.02", "0.025", "0.03", "0.035", "0.04", "0.045", "0.05");
    assertThat(trials.stream().map(t -> t.assignment().value("momentum")).distinct())
        .containsExactly("0.5", "0.6", "0.7", "0.8", "0.9");
    assertThat(trials.get(0).assignment().values())
        .isEqualTo(Map.of("lr", "0.01", "momentum", "0.5"));
    assertThat(trials.get(1).assignment().values())
        .isEqualTo(Map.of("lr", "0.01", "momentum", "0.6"));
    assertThatThrownBy(() -> grid.suggest(new ExperimentState(1, trials), 1))
        .isInstanceOf(SearchExhaustedException.class)
        .hasMessage("Every one of the 45 points of the grid has been tried");
  }

  @Test
  void givesWhatIsLeftThenEnds() {
    SuggestionAlgorithm grid =
        SuggestionAlgorithms.create(
            experiment()
                .algorithm("grid")
                .param("layers", "int", "min: 1, max: 3")
                .param("act", "categorical", "list: [relu, tanh]")
                .load());
    List<Trial> first = TestingRuns.run(grid, 1, 4, a -> 0);

    List<Assignment> rest = grid.suggest(new ExperimentState(1, first), 10);

    assertThat(rest)
        .extracting(Assignment::values)
        .containsExactly(
            Map.of("layers", "3", "act", "relu"), Map.of("layers", "3", "act", "tanh"));
  }

  @Test
  void skipsPointsTakenByTrialsOfAnyStatus() {
    SuggestionAlgorithm grid =
        SuggestionAlgorithms.create(
            experiment()
                .algorithm("grid")
                .param("layers", "int", "min: 1, max: 3, step: 2")
                .load());
    List<Trial> trials = new ArrayList<>();
    trials.add(
        new Trial("a", new Assignment(Map.of("layers", "1")), TrialStatus.FAILED, null, List.of()));

    assertThat(grid.suggest(new ExperimentState(1, trials), 5))
        .extracting(a -> a.value("layers"))
        .containsExactly("3");
  }
}
