package io.capstan.tuning.experiment;

import static io.capstan.tuning.experiment.SpecNode.invalid;
import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Parses and validates the YAML or JSON text of a Katib {@code kubeflow.org/v1beta1 Experiment}, as
 * Katib's admission webhook does, and applies Katib's defaults. Errors are {@link
 * ErrorCode#INVALID_SPEC} naming the field, such as {@code spec.parameters[1].feasibleSpace.max}.
 *
 * <p>Algorithm settings are checked by the algorithm itself when it is built ({@code
 * io.capstan.tuning.ExperimentLoader} does both). Thread-safe.
 */
public final class ExperimentParser {
  static final int MAX_CODE_POINTS = 1024 * 1024;
  private static final Pattern NAME = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
  private static final Set<String> RESOURCE_ALGORITHMS = Set.of("hyperband", "asha");

  /** Parses {@code text}, one Experiment document. */
  public Experiment parse(String text) {
    requireNonNull(text, "text is null");
    if (text.codePointCount(0, text.length()) > MAX_CODE_POINTS) {
      throw invalid(
          "",
          "Expected an Experiment of at most " + MAX_CODE_POINTS + " characters, but it is longer");
    }
    return parse(SpecNode.of(load(text), ""));
  }

  private static Object load(String text) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(50);
    options.setNestingDepthLimit(64);
    options.setCodePointLimit(MAX_CODE_POINTS * 4);
    try {
      return new Yaml(new SafeConstructor(options)).load(text);
    } catch (YAMLException e) {
      throw new CapstanException(
          ErrorCode.INVALID_SPEC, null, "Expected YAML or JSON, but " + e.getMessage(), e);
    }
  }

  private static Experiment parse(SpecNode root) {
    String apiVersion = root.requiredScalar("apiVersion");
    String kind = root.requiredScalar("kind");
    if (!apiVersion.equals("kubeflow.org/v1beta1") || !kind.equals("Experiment")) {
      throw invalid(
          "kind",
          "Expected apiVersion kubeflow.org/v1beta1 and kind Experiment, but was "
              + apiVersion
              + " "
              + kind);
    }
    SpecNode metadata = requiredNode(root, "metadata");
    String name = metadata.requiredScalar("name");
    if (!NAME.matcher(name).matches() || name.length() > 40) {
      throw invalid(
          metadata.pathOf("name"),
          "Expected a name of at most 40 lower case letters, digits or '-', starting with a letter and "
              + "ending with a letter or digit, but was '"
              + name
              + "'");
    }
    SpecNode spec = requiredNode(root, "spec");
    if (spec.has("nasConfig")) {
      throw invalid(
          spec.pathOf("nasConfig"),
          "Expected spec.parameters (hyperparameter tuning), but found spec.nasConfig, "
              + "which Capstan does not support");
    }
    Objective objective = objective(requiredNode(spec, "objective"));
    AlgorithmSpec algorithm = algorithm(requiredNode(spec, "algorithm"));
    String resource = resourceParameter(spec, algorithm);
    List<ParameterSpec> parameters = ParameterParser.parse(spec, resource);
    Counts counts = counts(spec);
    return new Experiment(
        name,
        metadata.scalar("namespace"),
        objective,
        algorithm,
        spec.has("earlyStopping") ? algorithm(spec.node("earlyStopping")) : null,
        parameters,
        counts.parallel(),
        counts.max(),
        counts.maxFailed(),
        ResumePolicy.of(spec.oneOf("resumePolicy", ResumePolicy.katibNames(), "Never")),
        TrialTemplateParser.parse(spec, parameters),
        MetricsCollectorParser.parse(spec));
  }

  /**
   * The parameter Hyperband or ASHA sets (its range may be one value), checked to be among the
   * parameters before they are read; null for other algorithms.
   */
  private static String resourceParameter(SpecNode spec, AlgorithmSpec algorithm) {
    if (!RESOURCE_ALGORITHMS.contains(algorithm.algorithmName())) {
      return null;
    }
    String name = algorithm.setting("resource_name");
    List<String> names = new ArrayList<>();
    for (SpecNode parameter : spec.nodes("parameters")) {
      names.add(parameter.scalar("name"));
    }
    if (name == null || !names.contains(name)) {
      throw invalid(
          algorithm.settingPath("resource_name"),
          "Expected setting resource_name of "
              + algorithm.algorithmName()
              + " to name an int or double parameter ("
              + String.join(", ", names)
              + "), but was "
              + (name == null ? "missing" : "'" + name + "'"));
    }
    return name;
  }

  private static SpecNode requiredNode(SpecNode parent, String key) {
    SpecNode node = parent.node(key);
    if (node == null) {
      throw invalid(
          parent.pathOf(key), "Expected " + parent.pathOf(key) + " to be set, but it is missing");
    }
    return node;
  }

  private static Objective objective(SpecNode node) {
    node.requiredScalar("type");
    ObjectiveType type =
        ObjectiveType.of(node.oneOf("type", List.of("minimize", "maximize"), null));
    String metric = node.requiredScalar("objectiveMetricName");
    List<String> additional = new ArrayList<>();
    List<Object> items = node.list("additionalMetricNames");
    for (int i = 0; i < items.size(); i++) {
      String path = node.pathOf("additionalMetricNames") + "[" + i + "]";
      String item = SpecNode.scalarText(items.get(i), path);
      if (item.equals(metric)) {
        throw invalid(
            path,
            "Expected additional metrics other than the objective metric '"
                + metric
                + "', but found it");
      }
      additional.add(item);
    }
    return new Objective(
        type, node.number("goal"), metric, additional, strategies(node, type, metric, additional));
  }

  private static List<MetricStrategy> strategies(
      SpecNode node, ObjectiveType type, String metric, List<String> additional) {
    List<MetricStrategy> strategies = new ArrayList<>();
    for (SpecNode item : node.nodes("metricStrategies")) {
      strategies.add(
          new MetricStrategy(
              item.requiredScalar("name"),
              item.oneOf("value", List.of("min", "max", "latest"), null)));
      item.requiredScalar("value");
    }
    String byType = type == ObjectiveType.MINIMIZE ? "min" : "max";
    List<String> metrics = new ArrayList<>(additional);
    metrics.add(0, metric);
    for (String each : metrics) {
      if (strategies.stream().noneMatch(strategy -> strategy.name().equals(each))) {
        strategies.add(new MetricStrategy(each, byType));
      }
    }
    return strategies;
  }

  private static AlgorithmSpec algorithm(SpecNode node) {
    String name = node.requiredScalar("algorithmName");
    List<AlgorithmSetting> settings = new ArrayList<>();
    for (SpecNode item : node.nodes("algorithmSettings")) {
      String value = item.scalar("value");
      settings.add(new AlgorithmSetting(item.requiredScalar("name"), value == null ? "" : value));
    }
    return new AlgorithmSpec(node.path(), name, settings);
  }

  private record Counts(int parallel, Integer max, Integer maxFailed) {}

  private static Counts counts(SpecNode spec) {
    int parallel = spec.integer("parallelTrialCount", 3);
    Integer max = spec.integer("maxTrialCount", null);
    Integer maxFailed = spec.integer("maxFailedTrialCount", null);
    if (parallel <= 0) {
      throw invalid(
          spec.pathOf("parallelTrialCount"),
          "Expected spec.parallelTrialCount to be above 0, but was " + parallel);
    }
    if (max != null && max <= 0) {
      throw invalid(
          spec.pathOf("maxTrialCount"),
          "Expected spec.maxTrialCount to be above 0, but was " + max);
    }
    if (maxFailed != null && maxFailed < 0) {
      throw invalid(
          spec.pathOf("maxFailedTrialCount"),
          "Expected spec.maxFailedTrialCount to be at least 0, but was " + maxFailed);
    }
    if (max != null && maxFailed != null && maxFailed > max) {
      throw invalid(
          spec.pathOf("maxFailedTrialCount"),
          "Expected spec.maxFailedTrialCount to be at most spec.maxTrialCount "
              + max
              + ", but was "
              + maxFailed);
    }
    if (max != null && parallel > max) {
      throw invalid(
          spec.pathOf("parallelTrialCount"),
          "Expected spec.parallelTrialCount to be at most spec.maxTrialCount "
              + max
              + ", but was "
              + parallel);
    }
    return new Counts(parallel, max, maxFailed);
  }
}
