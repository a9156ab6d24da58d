package io.capstan.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.tuning.suggestion.Assignment;
import io.capstan.tuning.suggestion.ExperimentState;
import io.capstan.tuning.suggestion.SearchExhaustedException;
import io.capstan.tuning.suggestion.SuggestionAlgorithm;
import io.capstan.tuning.suggestion.SuggestionAlgorithms;
import io.capstan.tuning.suggestion.Trial;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every suggestion algorithm against the YAHPO LCBench surrogate (ONNX Runtime), as an experiment
 * with three trials at a time would run it: the same seed gives the same trials and results, every
 * value lies in its feasible space, and no ask returns more than the free slots.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class YahpoAlgorithmsTest {
  private static final int PARALLEL = 3;
  private static final int TRIALS = 30;
  private static final String TASK = "167184";
  private static final Pattern RANGE =
      Pattern.compile("min: '?([-0-9.e]+)'?, max: '?([-0-9.e]+)'?");

  private TuningBench.Scenario lcbench;

  @BeforeAll
  void surrogate() throws Exception {
    lcbench = TuningBench.Scenario.lcbench(Path.of("src/test/resources/yahpo/lcbench"));
  }

  @AfterAll
  void close() throws Exception {
    lcbench.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"random", "tpe", "multivariate-tpe", "hyperband", "asha"})
  void sameSeedSameTrialsWithinTheSpaceAndTheParallelism(String algorithm) {
    List<Trial> first = run(algorithm, 7);
    List<Trial> again = run(algorithm, 7);

    assertThat(first).hasSizeGreaterThanOrEqualTo(10);
    assertThat(values(again)).isEqualTo(values(first));
    assertThat(objectives(again)).isEqualTo(objectives(first));
    assertThat(values(run(algorithm, 8))).as("another seed").isNotEqualTo(values(first));
    Map<String, double[]> ranges = ranges(algorithm);
    for (Trial trial : first) {
      Map<String, String> values = trial.assignment().values();
      assertThat(values.keySet()).isEqualTo(ranges.keySet());
      ranges.forEach(
          (name, range) -> {
            double value = Double.parseDouble(values.get(name));
            assertThat(value).as("%s of %s", name, trial.name()).isBetween(range[0], range[1]);
            if (range[2] == 1) {
              assertThat(values.get(name)).as("%s is an int", name).matches("-?\\d+");
            }
          });
    }
  }

  /**
   * Up to {@value #TRIALS} trials, {@value #PARALLEL} at a time: asks for the free slots, then
   * finishes the oldest running trial with the surrogate's accuracy at its epochs.
   */
  private List<Trial> run(String algorithm, long seed) {
    SuggestionAlgorithm suggestions = SuggestionAlgorithms.create(lcbench.experiment(algorithm));
    List<Trial> trials = new ArrayList<>();
    List<Integer> running = new ArrayList<>();
    while (trials.size() < TRIALS) {
      int free = PARALLEL - running.size();
      List<Assignment> next;
      try {
        next = suggestions.suggest(new ExperimentState(seed, trials), free);
      } catch (SearchExhaustedException e) {
        break;
      }
      assertThat(next.size()).as("suggestions for %d free slots", free).isLessThanOrEqualTo(free);
      for (Assignment assignment : next) {
        running.add(trials.size());
        trials.add(Trial.running("t" + trials.size(), assignment));
      }
      if (running.isEmpty()) {
        break;
      }
      int index = running.remove(0);
      Trial done = trials.get(index);
      String epochs = done.assignment().values().get("epoch");
      double accuracy =
          lcbench.evaluate(
              TASK,
              withoutResource(done.assignment().values()),
              epochs == null ? 52 : Integer.parseInt(epochs));
      trials.set(index, Trial.succeeded(done.name(), done.assignment(), accuracy));
    }
    return trials;
  }

  private static Map<String, String> withoutResource(Map<String, String> values) {
    Map<String, String> searched = new LinkedHashMap<>(values);
    searched.remove("epoch");
    return searched;
  }

  /** Each parameter's [min, max, 1 when an int] as the scenario declares it. */
  private Map<String, double[]> ranges(String algorithm) {
    Map<String, double[]> ranges = new LinkedHashMap<>();
    for (String[] parameter : lcbench.parameters()) {
      Matcher range = RANGE.matcher(parameter[2]);
      assertThat(range.find()).as(parameter[2]).isTrue();
      ranges.put(
          parameter[0],
          new double[] {
            Double.parseDouble(range.group(1)),
            Double.parseDouble(range.group(2)),
            parameter[1].equals("int") ? 1 : 0
          });
    }
    if (algorithm.equals("hyperband") || algorithm.equals("asha")) {
      ranges.put("epoch", new double[] {1, 52, 1});
    }
    return ranges;
  }

  private static List<Map<String, String>> values(List<Trial> trials) {
    return trials.stream().map(trial -> trial.assignment().values()).toList();
  }

  private static List<Double> objectives(List<Trial> trials) {
    return trials.stream().map(Trial::objective).toList();
  }
}
