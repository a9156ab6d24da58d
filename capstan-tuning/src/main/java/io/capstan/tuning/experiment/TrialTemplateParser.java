package io.capstan.tuning.experiment;

import static io.capstan.tuning.experiment.SpecNode.invalid;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code spec.trialTemplate} as Katib's webhook validates it: an inline {@code trialSpec} of
 * any job kind (a ConfigMap template is refused), trial parameters with unique names and
 * references, every placeholder of the template defined and every trial parameter and experiment
 * parameter used; success and failure conditions defaulted for batch Jobs and Kubeflow jobs.
 */
final class TrialTemplateParser {
  static final String JOB_SUCCESS = "status.conditions.#(type==\"Complete\")#|#(status==\"True\")#";
  static final String JOB_FAILURE = "status.conditions.#(type==\"Failed\")#|#(status==\"True\")#";
  static final String KUBEFLOW_SUCCESS =
      "status.conditions.#(type==\"Succeeded\")#|#(status==\"True\")#";
  private static final Set<String> KUBEFLOW_KINDS =
      Set.of("TFJob", "PyTorchJob", "XGBoostJob", "MPIJob", "TrainJob");

  private TrialTemplateParser() {}

  static TrialTemplate parse(SpecNode spec, List<ParameterSpec> parameters) {
    SpecNode node = spec.node("trialTemplate");
    if (node == null) {
      throw invalid(
          spec.pathOf("trialTemplate"), "Expected spec.trialTemplate to be set, but it is missing");
    }
    if (node.has("configMap")) {
      throw invalid(
          node.pathOf("configMap"),
          "Expected the trial template inline as spec.trialTemplate.trialSpec, but found "
              + "spec.trialTemplate.configMap: Capstan does not read trial templates from ConfigMaps");
    }
    SpecNode trialSpec = node.node("trialSpec");
    if (trialSpec == null) {
      throw invalid(
          node.pathOf("trialSpec"),
          "Expected spec.trialTemplate.trialSpec to be set, but it is missing");
    }
    String kind = checkJobDocument(trialSpec);
    List<TrialParameter> trialParameters = trialParameters(node, parameters);
    checkPlaceholders(node, trialSpec, trialParameters);
    checkParametersUsed(parameters, trialParameters);
    return new TrialTemplate(
        node.requiredScalar("primaryContainerName"),
        trialParameters,
        trialSpec.values(),
        condition(node, "successCondition", kind),
        condition(node, "failureCondition", kind),
        labels(node),
        "true".equals(node.scalar("retain")));
  }

  private static String checkJobDocument(SpecNode trialSpec) {
    trialSpec.requiredScalar("apiVersion");
    String kind = trialSpec.requiredScalar("kind");
    SpecNode metadata = trialSpec.node("metadata");
    if (metadata != null) {
      for (String key : List.of("name", "namespace")) {
        if (metadata.has(key)) {
          throw invalid(
              metadata.pathOf(key),
              "Expected no "
                  + key
                  + " in the trial template (each trial gets its own), but found '"
                  + metadata.scalar(key)
                  + "'");
        }
      }
    }
    return kind;
  }

  private static List<TrialParameter> trialParameters(
      SpecNode node, List<ParameterSpec> parameters) {
    if (!node.has("trialParameters")) {
      throw invalid(
          node.pathOf("trialParameters"),
          "Expected spec.trialTemplate.trialParameters to be set, but it is missing");
    }
    Set<String> parameterNames = new HashSet<>();
    parameters.forEach(parameter -> parameterNames.add(parameter.name()));
    List<TrialParameter> result = new ArrayList<>();
    Map<String, String> names = new HashMap<>();
    Map<String, String> references = new HashMap<>();
    for (SpecNode item : node.nodes("trialParameters")) {
      String name = item.requiredScalar("name");
      if (name.contains("{") || name.contains("}")) {
        throw invalid(
            item.pathOf("name"), "Expected a name without '{' or '}', but was '" + name + "'");
      }
      String reference = item.requiredScalar("reference");
      unique(names, name, item.pathOf("name"), "name");
      unique(references, reference, item.pathOf("reference"), "reference");
      if (TrialMetadata.looksLikeReference(reference) && !TrialMetadata.isReference(reference)) {
        throw invalid(
            item.pathOf("reference"),
            "Expected trial metadata ${trialSpec.Name}, Namespace, Kind, APIVersion, "
                + "Labels[key] or Annotations[key], but was '"
                + reference
                + "'");
      }
      if (!TrialMetadata.looksLikeReference(reference) && !parameterNames.contains(reference)) {
        throw invalid(
            item.pathOf("reference"),
            "Expected reference to name one of spec.parameters ("
                + String.join(", ", parameterNames.stream().sorted().toList())
                + "), but was '"
                + reference
                + "'");
      }
      result.add(new TrialParameter(name, item.scalar("description"), reference));
    }
    return result;
  }

  private static void unique(Map<String, String> seen, String value, String path, String what) {
    String first = seen.putIfAbsent(value, path);
    if (first != null) {
      throw invalid(
          path,
          "Expected each trial parameter "
              + what
              + " once, but '"
              + value
              + "' is also at "
              + first);
    }
  }

  private static void checkPlaceholders(
      SpecNode node, SpecNode trialSpec, List<TrialParameter> defined) {
    List<Placeholders.Use> uses = Placeholders.find(trialSpec.values(), trialSpec.path());
    Set<String> definedNames = new HashSet<>();
    defined.forEach(parameter -> definedNames.add(parameter.name()));
    for (Placeholders.Use use : uses) {
      if (!definedNames.contains(use.name())) {
        throw invalid(
            use.path(),
            "Expected ${trialParameters."
                + use.name()
                + "} to name one of spec.trialTemplate.trialParameters ("
                + String.join(", ", definedNames.stream().sorted().toList())
                + "), but it is not defined");
      }
    }
    Set<String> used = new HashSet<>();
    uses.forEach(use -> used.add(use.name()));
    for (int i = 0; i < defined.size(); i++) {
      if (!used.contains(defined.get(i).name())) {
        throw invalid(
            node.pathOf("trialParameters") + "[" + i + "].name",
            "Expected ${trialParameters."
                + defined.get(i).name()
                + "} in spec.trialTemplate.trialSpec, "
                + "but the template never uses it");
      }
    }
  }

  private static void checkParametersUsed(
      List<ParameterSpec> parameters, List<TrialParameter> trialParameters) {
    Set<String> referenced = new HashSet<>();
    trialParameters.forEach(parameter -> referenced.add(parameter.reference()));
    for (int i = 0; i < parameters.size(); i++) {
      if (!referenced.contains(parameters.get(i).name())) {
        throw invalid(
            "spec.parameters[" + i + "].name",
            "Expected parameter '"
                + parameters.get(i).name()
                + "' to be the reference of one of "
                + "spec.trialTemplate.trialParameters (else trials never see it), but none references it");
      }
    }
  }

  private static String condition(SpecNode node, String key, String kind) {
    String value = node.scalar(key);
    if (value != null && !value.isBlank()) {
      return value;
    }
    if (kind.equals("Job") || kind.equals("TrainJob")) {
      return key.equals("successCondition") ? JOB_SUCCESS : JOB_FAILURE;
    }
    if (KUBEFLOW_KINDS.contains(kind)) {
      return key.equals("successCondition") ? KUBEFLOW_SUCCESS : JOB_FAILURE;
    }
    throw invalid(
        node.pathOf(key),
        "Expected spec.trialTemplate."
            + key
            + " for a trial of kind "
            + kind
            + " (Katib defaults it only for Job and Kubeflow jobs), but it is missing");
  }

  private static Map<String, String> labels(SpecNode node) {
    SpecNode labels = node.node("primaryPodLabels");
    Map<String, String> result = new LinkedHashMap<>();
    if (labels != null) {
      labels.values().keySet().forEach(key -> result.put(key, labels.scalar(key)));
    }
    return result;
  }
}
