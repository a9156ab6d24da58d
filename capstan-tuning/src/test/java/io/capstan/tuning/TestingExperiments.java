package io.capstan.tuning;

import io.capstan.tuning.experiment.Experiment;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fluent builder of Experiment YAML for tests: {@code experiment().maximize("acc") .param("lr",
 * "double", "min: 0.001, max: 0.1, distribution: logUniform").algorithm("tpe")}; the trial template
 * is a batch Job that passes every parameter on its command line.
 */
public final class TestingExperiments {
  private String objective = "{type: minimize, objectiveMetricName: loss}";
  private String algorithm = "random";
  private final Map<String, String> settings = new LinkedHashMap<>();
  private final List<String> parameters = new ArrayList<>();
  private String earlyStopping = "";

  public static TestingExperiments experiment() {
    return new TestingExperiments();
  }

  /** The text of a Katib example copied under src/test/resources/katib. */
  public static String katibExample(String name) {
    try (InputStream in =
        TestingExperiments.class.getResourceAsStream("/katib/" + name + ".yaml")) {
      if (in == null) {
        throw new IllegalArgumentException("no example " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public TestingExperiments maximize(String metric) {
    objective = "{type: maximize, objectiveMetricName: " + metric + "}";
    return this;
  }

  public TestingExperiments param(String name, String type, String feasibleSpace) {
    parameters.add(
        "  - {name: "
            + name
            + ", parameterType: "
            + type
            + ", feasibleSpace: {"
            + feasibleSpace
            + "}}");
    return this;
  }

  public TestingExperiments algorithm(String name) {
    algorithm = name;
    return this;
  }

  public TestingExperiments setting(String name, String value) {
    settings.put(name, value);
    return this;
  }

  public TestingExperiments medianStop(int minTrialsRequired, int startStep) {
    earlyStopping =
        "  earlyStopping: {algorithmName: medianstop, algorithmSettings: [{name: min_trials_required, value: '"
            + minTrialsRequired
            + "'}, {name: start_step, value: '"
            + startStep
            + "'}]}\n";
    return this;
  }

  public String yaml() {
    StringBuilder text = new StringBuilder();
    text.append(
        "apiVersion: kubeflow.org/v1beta1\nkind: Experiment\nmetadata: {name: test}\nspec:\n");
    text.append("  objective: ").append(objective).append('\n');
    text.append("  algorithm:\n    algorithmName: ").append(algorithm).append('\n');
    if (!settings.isEmpty()) {
      text.append("    algorithmSettings:\n");
      settings.forEach(
          (name, value) ->
              text.append("      - {name: ")
                  .append(name)
                  .append(", value: '")
                  .append(value)
                  .append("'}\n"));
    }
    text.append(earlyStopping);
    text.append("  parallelTrialCount: 1\n  parameters:\n");
    parameters.forEach(parameter -> text.append(parameter).append('\n'));
    text.append("  trialTemplate:\n    primaryContainerName: main\n    trialParameters:\n");
    List<String> names = names();
    names.forEach(
        name ->
            text.append("      - {name: p")
                .append(name.replace("-", "_"))
                .append(", reference: ")
                .append(name)
                .append("}\n"));
    text.append(
        "    trialSpec:\n      apiVersion: batch/v1\n      kind: Job\n      spec:\n        template:\n          spec:\n");
    text.append(
        "            restartPolicy: Never\n            containers:\n              - name: main\n                image: python\n");
    text.append("                command: [python3, train.py");
    names.forEach(
        name ->
            text.append(", '--")
                .append(name)
                .append("=${trialParameters.p")
                .append(name.replace("-", "_"))
                .append("}'"));
    text.append("]\n");
    return text.toString();
  }

  private List<String> names() {
    return parameters.stream()
        .map(p -> p.substring(p.indexOf("name: ") + 6, p.indexOf(',')))
        .toList();
  }

  public Experiment load() {
    return new ExperimentLoader().load(yaml());
  }
}
