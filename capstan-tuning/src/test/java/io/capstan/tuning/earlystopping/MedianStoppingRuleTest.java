package io.capstan.tuning.earlystopping;

import static io.capstan.tuning.TestingExperiments.experiment;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.tuning.TestingExperiments;
import io.capstan.tuning.experiment.ExperimentParser;
import io.capstan.tuning.suggestion.Assignment;
import io.capstan.tuning.suggestion.ExperimentState;
import io.capstan.tuning.suggestion.Trial;
import io.capstan.tuning.suggestion.TrialStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The median rule stops the trial that is worse than the median of the finished ones. */
class MedianStoppingRuleTest {
  private static Trial trial(String name, TrialStatus status, Double... history) {
    return new Trial(
        name,
        new Assignment(Map.of("x", "1")),
        status,
        history.length == 0 ? null : history[history.length - 1],
        List.of(history));
  }

  private static MedianStoppingRule rule(TestingExperiments experiment) {
    return MedianStoppingRule.of(
        new ExperimentParser().parse(experiment.param("x", "double", "min: 0, max: 2").yaml()));
  }

  private final List<Trial> succeeded =
      List.of(
          trial("a", TrialStatus.SUCCEEDED, 1.0, 0.8, 0.6, 0.5),
          trial("b", TrialStatus.SUCCEEDED, 0.9, 0.7, 0.5, 0.4),
          trial("c", TrialStatus.SUCCEEDED, 1.2, 1.0, 0.9, 0.8));

  @Test
  void stopsARunningTrialWhoseBestIsWorseThanTheMedianOfRunningAverages() {
    MedianStoppingRule rule = rule(experiment().medianStop(3, 2));
    List<Trial> trials = new ArrayList<>(succeeded);
    // averages over two steps: a 0.9, b 0.8, c 1.1 -> median 0.9
    trials.add(trial("slow", TrialStatus.RUNNING, 1.5, 0.95));
    trials.add(trial("fine", TrialStatus.RUNNING, 1.5, 0.85));
    trials.add(trial("young", TrialStatus.RUNNING, 3.0));

    assertThat(rule.trialsToStop(new ExperimentState(1, trials))).containsExactly("slow");
  }

  @Test
  void stopsNothingBeforeMinTrialsRequiredHaveSucceeded() {
    MedianStoppingRule rule = rule(experiment().medianStop(4, 2));
    List<Trial> trials = new ArrayList<>(succeeded);
    trials.add(trial("failed", TrialStatus.FAILED, 5.0));
    trials.add(trial("slow", TrialStatus.RUNNING, 9.0, 9.0, 9.0));

    assertThat(rule.trialsToStop(new ExperimentState(1, trials))).isEmpty();
  }

  @Test
  void comparesTheOtherWayWhenMaximizing() {
    MedianStoppingRule rule = rule(experiment().maximize("accuracy").medianStop(3, 3));
    List<Trial> trials = new ArrayList<>(succeeded);
    // accuracy: averages over three steps a 0.8, b 0.7, c 1.033 -> median 0.8
    trials.add(trial("low", TrialStatus.RUNNING, 0.5, 0.6, 0.79));
    trials.add(trial("high", TrialStatus.RUNNING, 0.5, 0.6, 0.81));

    assertThat(rule.trialsToStop(new ExperimentState(1, trials))).containsExactly("low");
  }
}
