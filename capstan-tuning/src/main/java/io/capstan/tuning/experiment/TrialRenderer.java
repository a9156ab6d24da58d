package io.capstan.tuning.experiment;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Renders a trial's job from an experiment's template, as Katib's manifest generator does: each
 * {@code ${trialParameters.<name>}} becomes the assigned value of the parameter it references (or
 * the trial's metadata for {@code ${trialSpec.Name}}-style references), in every string of the
 * document, and the job is named after the trial.
 *
 * <p>Katib replaces placeholders in the template's JSON text; Capstan replaces them in each string
 * of the tree, which gives the same job except that a value holding a quote or a backslash stays a
 * plain string instead of breaking the JSON.
 */
public final class TrialRenderer {
  private final Experiment experiment;

  public TrialRenderer(Experiment experiment) {
    this.experiment = requireNonNull(experiment, "experiment is null");
  }

  /**
   * The job of trial {@code trialName} in {@code namespace} (null: none set) with {@code
   * assignments} (parameter name to value), which must assign exactly the experiment's parameters.
   */
  @SuppressWarnings("unchecked")
  public Map<String, Object> render(
      String trialName, String namespace, Map<String, String> assignments) {
    requireNonNull(trialName, "trialName is null");
    checkAssignments(assignments);
    Map<String, Object> template = experiment.trialTemplate().trialSpec();
    Map<String, String> values = new HashMap<>();
    List<TrialParameter> parameters = experiment.trialTemplate().trialParameters();
    for (int i = 0; i < parameters.size(); i++) {
      TrialParameter parameter = parameters.get(i);
      String value =
          parameter.metadataReference()
              ? TrialMetadata.value(parameter.reference(), trialName, namespace, template)
              : assignments.get(parameter.reference());
      if (value == null) {
        throw CapstanException.invalidSpec(
            "spec.trialTemplate.trialParameters[" + i + "].reference",
            "Expected "
                + parameter.reference()
                + " to be in the trial template's metadata, but it is not");
      }
      values.put(parameter.name(), value);
    }
    Map<String, Object> job =
        (Map<String, Object>)
            Placeholders.replaceStrings(template, text -> Placeholders.substitute(text, values));
    Map<String, Object> metadata = new LinkedHashMap<>();
    if (job.get("metadata") instanceof Map<?, ?> existing) {
      existing.forEach((key, value) -> metadata.put(String.valueOf(key), value));
    }
    metadata.put("name", trialName);
    if (namespace != null) {
      metadata.put("namespace", namespace);
    }
    job.put("metadata", metadata);
    return job;
  }

  /** {@link #render} as YAML text. */
  public String renderYaml(String trialName, String namespace, Map<String, String> assignments) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    return new Yaml(options).dump(render(trialName, namespace, assignments));
  }

  private void checkAssignments(Map<String, String> assignments) {
    TreeSet<String> expected = new TreeSet<>();
    experiment.parameters().forEach(parameter -> expected.add(parameter.name()));
    if (!expected.equals(new TreeSet<>(assignments.keySet()))) {
      throw new IllegalArgumentException(
          "Expected assignments of the parameters "
              + expected
              + ", but found "
              + new TreeSet<>(assignments.keySet()));
    }
  }
}
