package io.capstan.tuning.experiment;

import static io.capstan.tuning.TestingExperiments.experiment;
import static io.capstan.tuning.TestingExperiments.katibExample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.tuning.ExperimentLoader;
import java.math.BigDecimal;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Katib's own examples parse unchanged; bad experiments are refused naming the field. */
class ExperimentParserTest {
  private final ExperimentLoader loader = new ExperimentLoader();

  @ParameterizedTest
  @ValueSource(
      strings = {
        "random",
        "grid",
        "hyperband",
        "tpe",
        "bayesian-optimization",
        "hyperopt-distribution",
        "median-stop",
        "file-metrics-collector",
        "file-metrics-collector-with-json-format",
        "metrics-collection-strategy"
      })
  void parsesKatibExamplesAsWritten(String example) {
    Experiment experiment = loader.load(katibExample(example));

    assertThat(experiment.namespace()).isEqualTo("kubeflow");
    assertThat(experiment.trialTemplate().kind()).isEqualTo("Job");
    assertThat(experiment.trialTemplate().apiVersion()).isEqualTo("batch/v1");
    assertThat(experiment.parameters()).isNotEmpty();
  }

  @Test
  void readsTheRandomExampleWithKatibDefaults() {
    Experiment experiment = loader.load(katibExample("random"));

    assertThat(experiment.name()).isEqualTo("random");
    assertThat(experiment.objective().type()).isEqualTo(ObjectiveType.MINIMIZE);
    assertThat(experiment.objective().goal()).isEqualTo(0.001);
    assertThat(experiment.objective().objectiveMetricName()).isEqualTo("loss");
    assertThat(experiment.objective().metricStrategies())
        .containsExactly(new MetricStrategy("loss", "min"));
    assertThat(experiment.algorithm().algorithmName()).isEqualTo("random");
    assertThat(experiment.parallelTrialCount()).isEqualTo(3);
    assertThat(experiment.maxTrialCount()).isEqualTo(12);
    assertThat(experiment.maxFailedTrialCount()).isEqualTo(3);
    assertThat(experiment.resumePolicy()).isEqualTo(ResumePolicy.NEVER);
    assertThat(experiment.earlyStopping()).isNull();
    assertThat(experiment.metricsCollector().kind()).isEqualTo("StdOut");
    ParameterSpec lr = experiment.parameters().get(0);
    assertThat(lr.name()).isEqualTo("lr");
    assertThat(lr.type()).isEqualTo(ParameterType.DOUBLE);
    assertThat(lr.feasibleSpace().min()).isEqualByComparingTo("0.01");
    assertThat(lr.feasibleSpace().max()).isEqualByComparingTo("0.05");
    assertThat(lr.feasibleSpace().distribution()).isEqualTo(Distribution.UNIFORM);
    TrialTemplate template = experiment.trialTemplate();
    assertThat(template.primaryContainerName()).isEqualTo("training-container");
    assertThat(template.trialParameters())
        .extracting(TrialParameter::name, TrialParameter::reference)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("learningRate", "lr"),
            org.assertj.core.groups.Tuple.tuple("momentum", "momentum"));
    assertThat(template.successCondition())
        .isEqualTo("status.conditions.#(type==\"Complete\")#|#(status==\"True\")#");
    assertThat(template.failureCondition())
        .isEqualTo("status.conditions.#(type==\"Failed\")#|#(status==\"True\")#");
  }

  @Test
  void readsDistributionsStepsEarlyStoppingAndCollectors() {
    Experiment distributions = loader.load(katibExample("hyperopt-distribution"));
    assertThat(distributions.parameters())
        .extracting(p -> p.feasibleSpace().distribution())
        .containsExactly(
            Distribution.NORMAL,
            Distribution.UNIFORM,
            Distribution.LOG_UNIFORM,
            Distribution.LOG_NORMAL);
    assertThat(distributions.parameters().get(0).feasibleSpace().step())
        .isEqualTo(new BigDecimal("0.01"));

    Experiment median = loader.load(katibExample("median-stop"));
    assertThat(median.earlyStopping().algorithmName()).isEqualTo("medianstop");
    assertThat(median.earlyStopping().setting("start_step")).isEqualTo("2");
    assertThat(median.trialTemplate().retain()).isTrue();

    Experiment file = loader.load(katibExample("file-metrics-collector"));
    assertThat(file.metricsCollector().kind()).isEqualTo("File");
    assertThat(file.metricsCollector().path()).isEqualTo("/katib/mnist.log");
    assertThat(file.metricsCollector().metricsFormat()).hasSize(1);
    Experiment json = loader.load(katibExample("file-metrics-collector-with-json-format"));
    assertThat(json.metricsCollector().path()).isEqualTo("/katib/mnist.json");
    assertThat(json.metricsCollector().format()).isEqualTo("JSON");
    assertThat(file.objective().additionalMetricNames()).containsExactly("loss");

    Experiment hyperband = loader.load(katibExample("hyperband"));
    assertThat(hyperband.algorithm().setting("resource_name")).isEqualTo("num-epochs");
  }

  @Test
  void refusesCollectorsCapstanDoesNotRun() {
    assertInvalid(
            katibExample("custom-metrics-collector"), "spec.metricsCollectorSpec.collector.kind")
        .hasMessageContaining("but was 'Custom'");
  }

  @Test
  void refusesAnUnknownAlgorithmByName() {
    assertInvalid(
            experiment().param("x", "double", "min: 0, max: 1").algorithm("cmaes").yaml(),
            "spec.algorithm.algorithmName")
        .hasMessage(
            "Expected spec.algorithm.algorithmName to be one of random, grid, tpe, multivariate-tpe, bayesianoptimization, hyperband, asha, but was 'cmaes'");
  }

  @Test
  void refusesAnEmptySearchSpace() {
    String yaml =
        katibExample("random")
            .replaceAll(
                "(?s)  parameters:.*?  trialTemplate:", "  parameters: []\n  trialTemplate:");
    assertInvalid(yaml, "spec.parameters").hasMessageContaining("at least one parameter");
  }

  @Test
  void refusesMinNotBelowMax() {
    assertInvalid(
            experiment()
                .param("a", "int", "min: 1, max: 5")
                .param("b", "double", "min: 0.5, max: 0.5")
                .yaml(),
            "spec.parameters[1].feasibleSpace.max")
        .hasMessage(
            "Expected spec.parameters[1].feasibleSpace.max to be greater than min 0.5, but was 0.5");
  }

  @Test
  void refusesBadFeasibleSpaces() {
    assertInvalid(
        experiment().param("a", "int", "min: 1.5, max: 5").yaml(),
        "spec.parameters[0].feasibleSpace.min");
    assertInvalid(
            experiment().param("a", "double", "min: 0, max: 1, distribution: logUniform").yaml(),
            "spec.parameters[0].feasibleSpace.min")
        .hasMessageContaining("above 0 for distribution logUniform");
    assertInvalid(
        experiment().param("a", "double", "min: 0, max: 1, distribution: beta").yaml(),
        "spec.parameters[0].feasibleSpace.distribution");
    assertInvalid(
        experiment().param("a", "categorical", "list: []").yaml(),
        "spec.parameters[0].feasibleSpace.list");
    assertInvalid(
        experiment().param("a", "categorical", "list: [x], min: 1").yaml(),
        "spec.parameters[0].feasibleSpace.min");
    assertInvalid(
        experiment().param("a", "discrete", "list: [1, two]").yaml(),
        "spec.parameters[0].feasibleSpace.list[1]");
    assertInvalid(
        experiment().param("a", "float", "min: 0, max: 1").yaml(),
        "spec.parameters[0].parameterType");
    assertInvalid(
        experiment().param("a", "double", "min: 0, max: 1, step: 2").yaml(),
        "spec.parameters[0].feasibleSpace.step");
  }

  @Test
  void refusesATemplateThatDoesNotUseItsTrialParameters() {
    String unused =
        katibExample("random").replace("--momentum=${trialParameters.momentum}", "--momentum=0.9");
    assertInvalid(unused, "spec.trialTemplate.trialParameters[1].name")
        .hasMessage(
            "Expected ${trialParameters.momentum} in spec.trialTemplate.trialSpec, but the template never uses it");
  }

  @Test
  void refusesAPlaceholderNoTrialParameterDefines() {
    String undefined =
        katibExample("random")
            .replace("--batch-size=16", "--batch-size=${trialParameters.batchSize}");
    assertInvalid(
            undefined, "spec.trialTemplate.trialSpec.spec.template.spec.containers[0].command[3]")
        .hasMessageContaining(
            "Expected ${trialParameters.batchSize} to name one of spec.trialTemplate.trialParameters");
  }

  @Test
  void refusesAReferenceToNoParameterAndAParameterNothingReferences() {
    assertInvalid(
            katibExample("random").replace("reference: momentum", "reference: moment"),
            "spec.trialTemplate.trialParameters[1].reference")
        .hasMessageContaining("but was 'moment'");
    String extra =
        katibExample("random")
            .replace(
                "  trialTemplate:",
                "    - {name: wd, parameterType: double, feasibleSpace: {min: '0', max: '1'}}\n  trialTemplate:");
    assertInvalid(extra, "spec.parameters[2].name").hasMessageContaining("none references it");
  }

  @Test
  void refusesAConfigMapTemplateClearly() {
    String configMap =
        katibExample("random")
            .replaceAll(
                "(?s)    trialSpec:.*",
                "    configMap: {configMapName: templates, configMapNamespace: kubeflow, templatePath: job.yaml}\n");
    assertInvalid(configMap, "spec.trialTemplate.configMap")
        .hasMessageContaining("does not read trial templates from ConfigMaps");
  }

  @Test
  void refusesBadCountsAndObjectives() {
    assertInvalid(
        katibExample("random").replace("parallelTrialCount: 3", "parallelTrialCount: 20"),
        "spec.parallelTrialCount");
    assertInvalid(
        katibExample("random").replace("maxFailedTrialCount: 3", "maxFailedTrialCount: 13"),
        "spec.maxFailedTrialCount");
    assertInvalid(
        katibExample("random").replace("type: minimize", "type: lowest"), "spec.objective.type");
    assertInvalid(
        katibExample("random").replace("objectiveMetricName: loss", "objectiveMetricName: ''"),
        "spec.objective.objectiveMetricName");
    assertInvalid(
            katibExample("random")
                .replace(
                    "algorithmName: random",
                    "algorithmName: random\n    algorithmSettings: [{name: seed, value: '1'}]"),
            "spec.algorithm.algorithmSettings[0].name")
        .hasMessage("Expected the settings of random to be among random_state, but found 'seed'");
  }

  @Test
  void refusesHyperbandWithoutAResourceParameter() {
    assertInvalid(
            katibExample("hyperband").replace("value: \"num-epochs\"", "value: \"epochs\""),
            "spec.algorithm.algorithmSettings[0].value")
        .hasMessageContaining(
            "to name an int or double parameter (lr, momentum, num-epochs), but was 'epochs'");
  }

  @Test
  void refusesGridOverADoubleWithoutStep() {
    assertInvalid(
        katibExample("random").replace("algorithmName: random", "algorithmName: grid"),
        "spec.parameters[0].feasibleSpace.step");
  }

  @Test
  void refusesMalformedYaml() {
    assertThatThrownBy(() -> loader.load("spec: ["))
        .isInstanceOf(CapstanException.class)
        .hasMessageStartingWith("Expected YAML or JSON");
  }

  static AbstractThrowableAssert<?, ? extends Throwable> assertInvalid(String yaml, String field) {
    return assertThatThrownBy(() -> new ExperimentLoader().load(yaml))
        .isInstanceOfSatisfying(
            CapstanException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SPEC);
              assertThat(e.field()).isEqualTo(field);
            });
  }
}
