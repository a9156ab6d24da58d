package io.capstan.tuning.suggestion;

import static io.capstan.tuning.TestingExperiments.experiment;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ASHA promotes the best of each rung as soon as a third of it has finished, without waiting. */
class AshaTest {
  private final SuggestionAlgorithm asha =
      SuggestionAlgorithms.create(
          experiment()
              .algorithm("asha")
              .setting("resource_name", "epochs")
              .setting("r_l", "9")
              .param("lr", "double", "min: 0, max: 1")
              .param("epochs", "int", "min: 1, max: 9")
              .load());

  private static Trial done(String lr, String epochs, double loss) {
    return Trial.succeeded(
        "t-" + lr + "-" + epochs, new Assignment(Map.of("lr", lr, "epochs", epochs)), loss);
  }

  @Test
  void startsNewConfigurationsAtTheLowestRungUntilOneIsInTheBestThird() {
    List<Trial> trials = new ArrayList<>(List.of(done("0.5", "1", 0.5), done("0.2", "1", 0.2)));
    trials.add(Trial.running("r", new Assignment(Map.of("lr", "0.9", "epochs", "1"))));

    List<Assignment> next = asha.suggest(new ExperimentState(1, trials), 1);

    assertThat(next.get(0).value("epochs")).isEqualTo("1");
    assertThat(next.get(0).value("lr")).isNotIn("0.5", "0.2", "0.9");
  }

  @Test
  void promotesTheBestOnceThreeHaveFinishedAndNeverTwice() {
    List<Trial> trials =
        List.of(done("0.5", "1", 0.5), done("0.2", "1", 0.2), done("0.7", "1", 0.7));

    List<Assignment> next = asha.suggest(new ExperimentState(1, trials), 2);

    assertThat(next.get(0).values()).isEqualTo(Map.of("lr", "0.2", "epochs", "3"));
    assertThat(next.get(1).value("epochs")).isEqualTo("1");
  }

  @Test
  void promotesFromTheHighestRungFirst() {
    List<Trial> trials = new ArrayList<>();
    for (int i = 1; i <= 9; i++) {
      trials.add(done("0." + i, "1", i / 10.0));
    }
    trials.addAll(List.of(done("0.1", "3", 0.05), done("0.2", "3", 0.15), done("0.3", "3", 0.25)));

    List<Assignment> next = asha.suggest(new ExperimentState(1, trials), 1);

    assertThat(next.get(0).values()).isEqualTo(Map.of("lr", "0.1", "epochs", "9"));
  }
}
