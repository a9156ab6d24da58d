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
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Compares capstan-tuning's algorithms on YAHPO Gym surrogates standing in for training, one trial
 * at a time: lcbench (an MLP's seven hyperparameters, validation accuracy on an OpenML task, the
 * resource epochs 1 to 52) and rbv2_xgboost (XGBoost's twelve hyperparameters, accuracy on an
 * OpenML task, the resource the training set's share in 27ths). Random search and TPE train every
 * trial fully; Hyperband and ASHA choose the resource (rungs of 1/27, 1/9, 1/3 and all of it).
 * Prints, per task, the mean over seeds of the best objective after N trials (for Hyperband and
 * ASHA: after N full trainings' worth of resource) and what it took to reach random search's mean
 * after 100 trials; then the time per suggestion with 10,000 finished trials.
 *
 * <p>{@code ./mvnw -q -o -pl bench -am -DskipTests package exec:java
 * -Dexec.mainClass=io.capstan.bench.TuningBench -Dexec.args="--seeds 30"} ({@code --seeds 0}: only
 * the time per suggestion; {@code --scenarios}, {@code --algorithms} and {@code --trials} narrow
 * the run).
 */
public final class TuningBench {
  private static final int[] MARKS = {10, 25, 50, 100, 200};

  /** The algorithms that set the resource themselves; the others train every trial fully. */
  private static final Set<String> FIDELITY = Set.of("hyperband", "asha");

  /**
   * Whether {@code algorithm} sets the resource: {@code hyperband} or {@code asha}, also with
   * Capstan's settings as suffixes, {@code +repeat} (Hyperband's {@code repeat_brackets: true}) and
   * {@code +tpe} ({@code sampler: tpe}, BOHB): {@code hyperband+repeat+tpe}.
   */
  private static boolean fidelity(String algorithm) {
    return FIDELITY.contains(algorithm.split("\\+")[0]);
  }

  private TuningBench() {}

  public static void main(String[] args) throws Exception {
    int seeds = CommandLine.intValue(args, "--seeds", 30);
    int trials = CommandLine.intValue(args, "--trials", 200);
    List<String> algorithms =
        List.of(
            CommandLine.value(args, "--algorithms", "random,tpe,multivariate-tpe,hyperband,asha")
                .split(","));
    List<String> scenarios =
        List.of(CommandLine.value(args, "--scenarios", "lcbench,rbv2_xgboost").split(","));
    Path data =
        PhillyTrace.findDataDirectory(
                Path.of("").toAbsolutePath(), System.getProperty("capstan.data"))
            .resolve("hpo/yahpo");
    try (Scenario lcbench = Scenario.lcbench(data.resolve("lcbench"));
        Scenario xgboost = Scenario.rbv2Xgboost(data.resolve("rbv2_xgboost"))) {
      for (Scenario scenario : List.of(lcbench, xgboost)) {
        if (!scenarios.contains(scenario.name()) || seeds == 0) {
          continue;
        }
        System.out.printf(
            Locale.ROOT,
            "%nYAHPO %s, %s, mean of %d seeds, sequential trials%n",
            scenario.name(),
            scenario.metric(),
            seeds);
        String[] tasks =
            CommandLine.value(args, "--" + scenario.name() + "-tasks", scenario.tasks()).split(",");
        for (String task : tasks) {
          printTask(scenario, task, seeds, trials, algorithms);
        }
      }
      if (!CommandLine.value(args, "--timing", "true").equals("false")) {
        printSuggestionTimes(lcbench, lcbench.tasks().split(",")[0]);
      }
    }
  }

  private static void printTask(
      Scenario scenario, String task, int seeds, int trials, List<String> algorithms) {
    Map<String, List<Run>> runs = new LinkedHashMap<>();
    for (String algorithm : algorithms) {
      SuggestionAlgorithm suggestions = SuggestionAlgorithms.create(scenario.experiment(algorithm));
      List<Run> each = new ArrayList<>();
      for (long seed = 0; seed < seeds; seed++) {
        // Hyperband and ASHA run many short trials: their runs end at the resource budget only
        int maxTrials = fidelity(algorithm) ? Integer.MAX_VALUE : trials;
        each.add(Run.of(suggestions, seed, scenario, task, maxTrials, trials * scenario.full()));
      }
      runs.put(algorithm, each);
    }
    // with --trials under 100 (a quick run), the target is random search's mean after all of them
    int targetTrials = Math.min(100, trials);
    double target = mean(runs.get("random"), run -> run.bestAfterTrials(targetTrials));
    int full = scenario.full();
    System.out.printf(
        Locale.ROOT,
        "%ntask %s (random search's mean after %d trials: %.2f)%n",
        task,
        targetTrials,
        target);
    StringBuilder header = new StringBuilder("| algorithm | budget unit |");
    StringBuilder line = new StringBuilder("|---|---|");
    for (int mark : MARKS) {
      if (mark <= trials) {
        header.append(' ').append(mark).append(" |");
        line.append("---|");
      }
    }
    System.out.println(
        header
            + " reaches random@100 after (mean of seeds that do) | share of random's 100-trial"
            + " budget | seeds that do |");
    System.out.println(line + "---|---|---|");
    for (Map.Entry<String, List<Run>> entry : runs.entrySet()) {
      boolean fidelity = fidelity(entry.getKey());
      StringBuilder row =
          new StringBuilder(
              "| " + entry.getKey() + " | " + (fidelity ? "full training" : "trial") + " |");
      for (int mark : MARKS) {
        if (mark <= trials) {
          row.append(
              String.format(
                  Locale.ROOT,
                  " %.2f |",
                  mean(
                      entry.getValue(),
                      run ->
                          fidelity
                              ? run.bestAfterResource(mark * full)
                              : run.bestAfterTrials(mark))));
        }
      }
      List<Run> reached =
          entry.getValue().stream().filter(run -> run.resourceToReach(target) >= 0).toList();
      double trialsToReach =
          reached.stream().mapToInt(run -> run.trialsToReach(target)).average().orElse(Double.NaN);
      double resource =
          reached.stream()
              .mapToInt(run -> run.resourceToReach(target))
              .average()
              .orElse(Double.NaN);
      row.append(
          String.format(
              Locale.ROOT,
              " %.1f trials, %.0f %s | %.0f%% | %d/%d |",
              trialsToReach,
              resource,
              scenario.resourceUnit(),
              100 * resource / (100.0 * full),
              reached.size(),
              entry.getValue().size()));
      System.out.println(row);
    }
  }

  private static void printSuggestionTimes(Scenario scenario, String task) {
    SuggestionAlgorithm random = SuggestionAlgorithms.create(scenario.experiment("random"));
    List<Trial> finished = new ArrayList<>();
    for (Assignment assignment : random.suggest(new ExperimentState(1, List.of()), 10_000)) {
      double value = scenario.evaluate(task, assignment.values(), scenario.full());
      finished.add(Trial.succeeded("t" + finished.size(), assignment, value));
    }
    ExperimentState state = new ExperimentState(1, finished);
    System.out.printf(
        Locale.ROOT,
        "%ntime per suggestion with %d finished trials (YAHPO %s, task %s; ms, mean of 20 after 5"
            + " warm-up)%n",
        finished.size(),
        scenario.name(),
        task);
    System.out.println("| algorithm | ms per suggestion | CPU ms per suggestion |");
    System.out.println("|---|---|---|");
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (String algorithm : List.of("random", "tpe", "multivariate-tpe")) {
      SuggestionAlgorithm suggestions = SuggestionAlgorithms.create(scenario.experiment(algorithm));
      for (int i = 0; i < 5; i++) {
        suggestions.suggest(state, 1);
      }
      long start = System.nanoTime();
      long cpu = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < 20; i++) {
        suggestions.suggest(state, 1);
      }
      System.out.printf(
          Locale.ROOT,
          "| %s | %.2f | %.2f |%n",
          algorithm,
          (System.nanoTime() - start) / 20 / 1e6,
          (threads.getCurrentThreadCpuTime() - cpu) / 20 / 1e6);
    }
  }

  private interface Measure {
    double of(Run run);
  }

  private static double mean(List<Run> runs, Measure measure) {
    return runs.stream().mapToDouble(measure::of).average().orElseThrow();
  }

  /** One tuning run: per trial, the resource spent so far and the best objective so far. */
  private record Run(int[] spent, double[] best) {
    static Run of(
        SuggestionAlgorithm algorithm,
        long seed,
        Scenario scenario,
        String task,
        int maxTrials,
        int maxResource) {
      List<Trial> trials = new ArrayList<>();
      List<Integer> spentSoFar = new ArrayList<>();
      List<Double> best = new ArrayList<>();
      int spent = 0;
      double top = Double.NEGATIVE_INFINITY;
      while (trials.size() < maxTrials && spent < maxResource) {
        List<Assignment> next;
        try {
          next = algorithm.suggest(new ExperimentState(seed, trials), 1);
        } catch (SearchExhaustedException e) {
          break;
        }
        Assignment assignment = next.get(0);
        String resource = assignment.values().get(scenario.resource());
        int amount = resource == null ? scenario.full() : Integer.parseInt(resource);
        double value = scenario.evaluate(task, assignment.values(), amount);
        trials.add(Trial.succeeded("t" + trials.size(), assignment, value));
        spent += amount;
        top = Math.max(top, value);
        spentSoFar.add(spent);
        best.add(top);
      }
      return new Run(
          spentSoFar.stream().mapToInt(Integer::intValue).toArray(),
          best.stream().mapToDouble(Double::doubleValue).toArray());
    }

    double bestAfterTrials(int count) {
      return best[Math.min(count, best.length) - 1];
    }

    double bestAfterResource(int budget) {
      double top = best[0];
      for (int i = 0; i < spent.length && spent[i] <= budget; i++) {
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

    int resourceToReach(double target) {
      int trial = trialsToReach(target);
      return trial < 0 ? -1 : spent[trial - 1];
    }
  }

  /** What a scenario's surrogate predicts for an assignment given an amount of the resource. */
  private interface Objective {
    double of(YahpoSurrogate surrogate, String task, Map<String, String> values, int resource);
  }

  /**
   * One YAHPO scenario as a Katib search space (maximize {@code metric}) with an int resource
   * parameter that Hyperband and ASHA set, {@code full} being one full training.
   *
   * @param parameters name, Katib type and feasible space of each searched parameter
   */
  record Scenario(
      String name,
      String metric,
      String tasks,
      YahpoSurrogate surrogate,
      List<String[]> parameters,
      String resource,
      String resourceUnit,
      int full,
      Objective objective)
      implements AutoCloseable {
    static Scenario lcbench(Path directory) throws Exception {
      YahpoSurrogate surrogate =
          new YahpoSurrogate(
              directory,
              List.of(
                  "epoch",
                  "batch_size",
                  "learning_rate",
                  "momentum",
                  "weight_decay",
                  "num_layers",
                  "max_units",
                  "max_dropout"),
              List.of("OpenML_task_id"));
      List<String[]> parameters =
          List.of(
              new String[] {"batch_size", "int", "min: 16, max: 512, distribution: logUniform"},
              new String[] {
                "learning_rate", "double", "min: 0.0001, max: 0.1, distribution: logUniform"
              },
              new String[] {"momentum", "double", "min: 0.1, max: 0.99"},
              new String[] {"weight_decay", "double", "min: 0.00001, max: 0.1"},
              new String[] {"num_layers", "int", "min: 1, max: 5"},
              new String[] {"max_units", "int", "min: 64, max: 1024, distribution: logUniform"},
              new String[] {"max_dropout", "double", "min: 0, max: 1"});
      return new Scenario(
          "lcbench",
          "val_accuracy (%)",
          "167184,167168,189906",
          surrogate,
          parameters,
          "epoch",
          "epochs",
          52,
          (model, task, values, epochs) -> {
            Map<String, Double> inputs = new LinkedHashMap<>();
            values.forEach((name, value) -> inputs.put(name, Double.parseDouble(value)));
            inputs.put("epoch", (double) epochs);
            return model
                .predict(inputs, Map.of("OpenML_task_id", model.code("OpenML_task_id", task)))[1];
          });
    }

    static Scenario rbv2Xgboost(Path directory) throws Exception {
      YahpoSurrogate surrogate =
          new YahpoSurrogate(
              directory,
              List.of(
                  "nrounds",
                  "eta",
                  "gamma",
                  "lambda",
                  "alpha",
                  "subsample",
                  "max_depth",
                  "min_child_weight",
                  "colsample_bytree",
                  "colsample_bylevel",
                  "rate_drop",
                  "skip_drop",
                  "trainsize",
                  "repl"),
              List.of("task_id", "booster", "num.impute.selected.cpo"));
      String wide =
          "min: '0.0009118819655545162', max: '1096.6331584284585', distribution: logUniform";
      List<String[]> parameters =
          List.of(
              new String[] {"booster", "categorical", "list: [gblinear, gbtree, dart]"},
              new String[] {
                "impute", "categorical", "list: [impute.mean, impute.median, impute.hist]"
              },
              new String[] {"nrounds", "int", "min: 7, max: 2981, distribution: logUniform"},
              new String[] {"alpha", "double", wide},
              new String[] {"lambda", "double", wide},
              new String[] {"subsample", "double", "min: 0.1, max: 1"},
              new String[] {
                "eta", "double", "min: '0.0009118819655545162', max: 1, distribution: logUniform"
              },
              new String[] {
                "gamma",
                "double",
                "min: '0.000045399929762484854', max: '7.38905609893065', distribution: logUniform"
              },
              new String[] {"max_depth", "int", "min: 1, max: 15"},
              new String[] {
                "min_child_weight",
                "double",
                "min: '2.718281828459045', max: '148.4131591025766', distribution: logUniform"
              },
              new String[] {"colsample_bytree", "double", "min: 0.01, max: 1"},
              new String[] {"colsample_bylevel", "double", "min: 0.01, max: 1"},
              new String[] {"rate_drop", "double", "min: 0, max: 1"},
              new String[] {"skip_drop", "double", "min: 0, max: 1"});
      Set<String> trees =
          Set.of(
              "eta",
              "gamma",
              "max_depth",
              "min_child_weight",
              "colsample_bytree",
              "colsample_bylevel");
      Set<String> dart = Set.of("rate_drop", "skip_drop");
      return new Scenario(
          "rbv2_xgboost",
          "accuracy (%)",
          "1489,16",
          surrogate,
          parameters,
          "trainsize_27ths",
          "27ths of the data",
          27,
          (model, task, values, parts) -> {
            // the search space is flat, as Katib's: a parameter its booster does not use is NA
            String booster = values.get("booster");
            Map<String, Double> inputs = new LinkedHashMap<>();
            values.forEach(
                (name, value) -> {
                  boolean used =
                      !(trees.contains(name) && booster.equals("gblinear"))
                          && !(dart.contains(name) && !booster.equals("dart"));
                  if (used && !name.equals("booster") && !name.equals("impute")) {
                    inputs.put(name, Double.parseDouble(value));
                  }
                });
            inputs.put("trainsize", parts / 27.0);
            inputs.put("repl", 10.0);
            Map<String, Integer> codes =
                Map.of(
                    "task_id", model.code("task_id", task),
                    "booster", model.code("booster", booster),
                    "num.impute.selected.cpo",
                        model.code("num.impute.selected.cpo", values.get("impute")));
            return 100 * model.predict(inputs, codes)[0];
          });
    }

    double evaluate(String task, Map<String, String> values, int resource) {
      return objective.of(surrogate, task, values, resource);
    }

    /** The search space as a Katib Experiment, with the resource parameter where it is one. */
    Experiment experiment(String algorithm) {
      boolean fidelity = fidelity(algorithm);
      List<String> variant = List.of(algorithm.split("\\+"));
      String name = variant.get(0);
      List<String[]> searched = new ArrayList<>(parameters);
      if (fidelity) {
        searched.add(new String[] {resource, "int", "min: 1, max: " + full});
      }
      StringBuilder yaml =
          new StringBuilder(
              "apiVersion: kubeflow.org/v1beta1\nkind: Experiment\nmetadata: {name: bench}\nspec:\n");
      yaml.append("  objective: {type: maximize, objectiveMetricName: objective}\n");
      yaml.append("  algorithm:\n    algorithmName: ").append(name).append('\n');
      if (fidelity) {
        yaml.append("    algorithmSettings: [{name: resource_name, value: ")
            .append(resource)
            .append("}, {name: r_l, value: '")
            .append(full)
            .append("'}")
            .append(name.equals("asha") ? ", {name: r_min, value: '" + (full / 27.0) + "'}" : "")
            .append(variant.contains("repeat") ? ", {name: repeat_brackets, value: 'true'}" : "")
            .append(variant.contains("tpe") ? ", {name: sampler, value: tpe}" : "")
            .append("]\n");
      }
      yaml.append("  parameters:\n");
      searched.forEach(
          p ->
              yaml.append("    - {name: ")
                  .append(p[0])
                  .append(", parameterType: ")
                  .append(p[1])
                  .append(", feasibleSpace: {")
                  .append(p[2])
                  .append("}}\n"));
      yaml.append("  trialTemplate:\n    primaryContainerName: main\n    trialParameters:\n");
      searched.forEach(
          p ->
              yaml.append("      - {name: ")
                  .append(p[0])
                  .append(", reference: ")
                  .append(p[0])
                  .append("}\n"));
      yaml.append(
          "    trialSpec:\n      apiVersion: batch/v1\n      kind: Job\n      spec:\n        template:\n          spec:\n");
      yaml.append(
          "            containers:\n              - name: main\n                image: bench\n                args:\n");
      searched.forEach(
          p ->
              yaml.append("                  - --")
                  .append(p[0])
                  .append("=${trialParameters.")
                  .append(p[0])
                  .append("}\n"));
      return new ExperimentLoader().load(yaml.toString());
    }

    @Override
    public void close() throws Exception {
      surrogate.close();
    }
  }
}
