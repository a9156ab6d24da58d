package io.capstan.bench;

import io.capstan.scheduler.trace.PhillyTrace;
import io.capstan.tuning.ExperimentLoader;
import io.capstan.tuning.experiment.Experiment;
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
import java.util.Locale;
import java.util.Map;

/**
 * Compares capstan-tuning's algorithms on the YAHPO lcbench surrogate: each run tunes an MLP's
 * seven hyperparameters on one OpenML task to maximize validation accuracy, one trial at a time,
 * the surrogate standing in for training. Random search and TPE train every trial for 52 epochs;
 * Hyperband and ASHA choose the epochs (2, 6, 17, 52). Prints, per task, the mean over seeds of the
 * best accuracy after N trials (for Hyperband and ASHA: after N * 52 epochs, the same training
 * budget) and what it took to reach random search's mean after 100 trials; then the time per
 * suggestion with 10,000 finished trials.
 *
 * <p>{@code ./mvnw -q -o -pl bench -am -DskipTests package exec:java
 * -Dexec.mainClass=io.capstan.bench.TuningBench -Dexec.args="--seeds 30 --tasks
 * 167184,167168,189906"} ({@code --seeds 0}: only the time per suggestion).
 */
public final class TuningBench {
  private static final int EPOCHS = 52;
  private static final int[] MARKS = {10, 25, 50, 100, 200};
  private static final List<String> ALGORITHMS = List.of("random", "tpe", "hyperband", "asha");

  private TuningBench() {}

  public static void main(String[] args) throws Exception {
    int seeds = CommandLine.intValue(args, "--seeds", 30);
    String[] tasks = CommandLine.value(args, "--tasks", "167184,167168,189906").split(",");
    Path data =
        PhillyTrace.findDataDirectory(
            Path.of("").toAbsolutePath(), System.getProperty("capstan.data"));
    try (YahpoLcbench surrogate = new YahpoLcbench(data.resolve("hpo/yahpo/lcbench"))) {
      System.out.printf(
          Locale.ROOT,
          "YAHPO lcbench, val_accuracy (%%), mean of %d seeds, sequential trials%n",
          seeds);
      for (int i = 0; i < tasks.length && seeds > 0; i++) {
        printTask(surrogate, tasks[i], seeds);
      }
      printSuggestionTimes(surrogate, tasks[0]);
    }
  }

  private static void printTask(YahpoLcbench surrogate, String task, int seeds) {
    int code = surrogate.taskCode(task);
    Map<String, List<Run>> runs = new LinkedHashMap<>();
    for (String algorithm : ALGORITHMS) {
      SuggestionAlgorithm suggestions = SuggestionAlgorithms.create(experiment(algorithm));
      List<Run> each = new ArrayList<>();
      for (long seed = 0; seed < seeds; seed++) {
        // Hyperband and ASHA run many short trials: their runs end at the epoch budget only
        int maxTrials = fidelity(algorithm) ? Integer.MAX_VALUE : 200;
        each.add(Run.of(suggestions, seed, code, surrogate, maxTrials, 200 * EPOCHS));
      }
      runs.put(algorithm, each);
    }
    double target = mean(runs.get("random"), run -> run.bestAfterTrials(100));
    System.out.printf(
        Locale.ROOT, "%ntask %s (random search's mean after 100 trials: %.2f)%n", task, target);
    System.out.println(
        "| algorithm | budget unit | 10 | 25 | 50 | 100 | 200 | reaches random@100 after (mean of seeds that do) | seeds that do |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    for (Map.Entry<String, List<Run>> entry : runs.entrySet()) {
      boolean fidelity = fidelity(entry.getKey());
      StringBuilder row =
          new StringBuilder(
              "| " + entry.getKey() + " | " + (fidelity ? "52 epochs" : "trial") + " |");
      for (int mark : MARKS) {
        row.append(
            String.format(
                Locale.ROOT,
                " %.2f |",
                mean(
                    entry.getValue(),
                    run ->
                        fidelity
                            ? run.bestAfterEpochs(mark * EPOCHS)
                            : run.bestAfterTrials(mark))));
      }
      List<Run> reached =
          entry.getValue().stream().filter(run -> run.epochsToReach(target) >= 0).toList();
      double trials =
          reached.stream().mapToInt(run -> run.trialsToReach(target)).average().orElse(Double.NaN);
      double epochs =
          reached.stream().mapToInt(run -> run.epochsToReach(target)).average().orElse(Double.NaN);
      row.append(
          String.format(
              Locale.ROOT,
              " %.1f trials, %.0f epochs | %d/%d |",
              trials,
              epochs,
              reached.size(),
              entry.getValue().size()));
      System.out.println(row);
    }
  }

  private static void printSuggestionTimes(YahpoLcbench surrogate, String task) {
    int code = surrogate.taskCode(task);
    SuggestionAlgorithm random = SuggestionAlgorithms.create(experiment("random"));
    List<Trial> finished = new ArrayList<>();
    ExperimentState empty = new ExperimentState(1, List.of());
    for (Assignment assignment : random.suggest(empty, 10_000)) {
      double accuracy = surrogate.valAccuracy(code, assignment.values(), EPOCHS);
      finished.add(Trial.succeeded("t" + finished.size(), assignment, accuracy));
    }
    ExperimentState state = new ExperimentState(1, finished);
    System.out.printf(
        Locale.ROOT,
        "%ntime per suggestion with %d finished trials (ms, mean of 20 after 5 warm-up)%n",
        finished.size());
    System.out.println("| algorithm | ms per suggestion |");
    System.out.println("|---|---|");
    for (String algorithm : List.of("random", "tpe")) {
      SuggestionAlgorithm suggestions = SuggestionAlgorithms.create(experiment(algorithm));
      for (int i = 0; i < 5; i++) {
        suggestions.suggest(state, 1);
      }
      long start = System.nanoTime();
      for (int i = 0; i < 20; i++) {
        suggestions.suggest(state, 1);
      }
      System.out.printf(
          Locale.ROOT, "| %s | %.2f |%n", algorithm, (System.nanoTime() - start) / 20 / 1e6);
    }
  }

  private static boolean fidelity(String algorithm) {
    return algorithm.equals("hyperband") || algorithm.equals("asha");
  }

  private interface Measure {
    double of(Run run);
  }

  private static double mean(List<Run> runs, Measure measure) {
    return runs.stream().mapToDouble(measure::of).average().orElseThrow();
  }

  /** One tuning run: per trial, the epochs it trained and the best accuracy so far. */
  private record Run(int[] epochs, double[] best) {
    static Run of(
        SuggestionAlgorithm algorithm,
        long seed,
        int task,
        YahpoLcbench surrogate,
        int maxTrials,
        int maxEpochs) {
      List<Trial> trials = new ArrayList<>();
      List<Integer> epochs = new ArrayList<>();
      List<Double> best = new ArrayList<>();
      int spent = 0;
      double top = Double.NEGATIVE_INFINITY;
      while (trials.size() < maxTrials && spent < maxEpochs) {
        List<Assignment> next;
        try {
          next = algorithm.suggest(new ExperimentState(seed, trials), 1);
        } catch (SearchExhaustedException e) {
          break;
        }
        Assignment assignment = next.get(0);
        int trialEpochs =
            assignment.values().containsKey("epoch")
                ? Integer.parseInt(assignment.value("epoch"))
                : EPOCHS;
        double accuracy = surrogate.valAccuracy(task, assignment.values(), trialEpochs);
        trials.add(Trial.succeeded("t" + trials.size(), assignment, accuracy));
        spent += trialEpochs;
        top = Math.max(top, accuracy);
        epochs.add(spent);
        best.add(top);
      }
      return new Run(
          epochs.stream().mapToInt(Integer::intValue).toArray(),
          best.stream().mapToDouble(Double::doubleValue).toArray());
    }

    double bestAfterTrials(int count) {
      return best[Math.min(count, best.length) - 1];
    }

    double bestAfterEpochs(int budget) {
      double top = best[0];
      for (int i = 0; i < epochs.length && epochs[i] <= budget; i++) {
        top = best[i];
      }
      return top;
    }

    int trialsToReach(double target) {
      for (int i = 0; i < best.length; i++) {
        if (best[i] >= target) {
          return i + 1;
        }
      }
      return -1;
    }

    int epochsToReach(double target) {
      int trial = trialsToReach(target);
      return trial < 0 ? -1 : epochs[trial - 1];
    }
  }

  /** The lcbench search space as a Katib Experiment, with epoch as the resource where it is one. */
  static Experiment experiment(String algorithm) {
    boolean fidelity = fidelity(algorithm);
    String settings =
        fidelity
            ? "    algorithmSettings: [{name: resource_name, value: epoch}, {name: r_l, value: '52'}"
                + (algorithm.equals("asha")
                    ? ", {name: r_min, value: '" + (EPOCHS / 27.0) + "'}"
                    : "")
                + "]\n"
            : "";
    List<String[]> parameters =
        new ArrayList<>(
            List.of(
                new String[] {"batch_size", "int", "min: 16, max: 512, distribution: logUniform"},
                new String[] {
                  "learning_rate", "double", "min: 0.0001, max: 0.1, distribution: logUniform"
                },
                new String[] {"momentum", "double", "min: 0.1, max: 0.99"},
                new String[] {"weight_decay", "double", "min: 0.00001, max: 0.1"},
                new String[] {"num_layers", "int", "min: 1, max: 5"},
                new String[] {"max_units", "int", "min: 64, max: 1024, distribution: logUniform"},
                new String[] {"max_dropout", "double", "min: 0, max: 1"}));
    if (fidelity) {
      parameters.add(new String[] {"epoch", "int", "min: 1, max: 52"});
    }
    StringBuilder yaml =
        new StringBuilder(
            "apiVersion: kubeflow.org/v1beta1\nkind: Experiment\nmetadata: {name: lcbench}\nspec:\n");
    yaml.append("  objective: {type: maximize, objectiveMetricName: val_accuracy}\n");
    yaml.append("  algorithm:\n    algorithmName: ")
        .append(algorithm)
        .append('\n')
        .append(settings);
    yaml.append("  parameters:\n");
    parameters.forEach(
        p ->
            yaml.append("    - {name: ")
                .append(p[0])
                .append(", parameterType: ")
                .append(p[1])
                .append(", feasibleSpace: {")
                .append(p[2])
                .append("}}\n"));
    yaml.append("  trialTemplate:\n    primaryContainerName: main\n    trialParameters:\n");
    parameters.forEach(
        p ->
            yaml.append("      - {name: ")
                .append(p[0])
                .append(", reference: ")
                .append(p[0])
                .append("}\n"));
    yaml.append(
        "    trialSpec:\n      apiVersion: batch/v1\n      kind: Job\n      spec:\n        template:\n          spec:\n");
    yaml.append(
        "            containers:\n              - name: main\n                image: lcbench\n                args:\n");
    parameters.forEach(
        p ->
            yaml.append("                  - --")
                .append(p[0])
                .append("=${trialParameters.")
                .append(p[0])
                .append("}\n"));
    return new ExperimentLoader().load(yaml.toString());
  }
}
