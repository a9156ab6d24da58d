package io.capstan.tuning.experiment;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A validated Katib {@code kubeflow.org/v1beta1 Experiment}, with Katib's defaults applied.
 *
 * @param earlyStopping null when the experiment stops no trial early
 * @param maxTrialCount null when unbounded (the search space or the goal ends the experiment)
 * @param maxFailedTrialCount null when unbounded
 */
public record Experiment(
    String name,
    String namespace,
    Objective objective,
    AlgorithmSpec algorithm,
    AlgorithmSpec earlyStopping,
    List<ParameterSpec> parameters,
    int parallelTrialCount,
    Integer maxTrialCount,
    Integer maxFailedTrialCount,
    ResumePolicy resumePolicy,
    TrialTemplate trialTemplate,
    MetricsCollectorSpec metricsCollector) {
  public Experiment {
    requireNonNull(name, "name is null");
    requireNonNull(objective, "objective is null");
    requireNonNull(algorithm, "algorithm is null");
    parameters = List.copyOf(parameters);
    requireNonNull(resumePolicy, "resumePolicy is null");
    requireNonNull(trialTemplate, "trialTemplate is null");
    requireNonNull(metricsCollector, "metricsCollector is null");
  }

  /**
   * This experiment with the counts a resume set (Katib lets these be edited): null keeps the
   * spec's.
   */
  public Experiment withCounts(Integer newMaxTrialCount, Integer newParallelTrialCount) {
    return new Experiment(
        name,
        namespace,
        objective,
        algorithm,
        earlyStopping,
        parameters,
        newParallelTrialCount == null ? parallelTrialCount : newParallelTrialCount,
        newMaxTrialCount == null ? maxTrialCount : newMaxTrialCount,
        maxFailedTrialCount,
        resumePolicy,
        trialTemplate,
        metricsCollector);
  }

  public Optional<ParameterSpec> parameter(String parameterName) {
    return parameters.stream().filter(p -> p.name().equals(parameterName)).findFirst();
  }

  /** The index of parameter {@code parameterName} in {@code spec.parameters}, or -1. */
  public int parameterIndex(String parameterName) {
    for (int i = 0; i < parameters.size(); i++) {
      if (parameters.get(i).name().equals(parameterName)) {
        return i;
      }
    }
    return -1;
  }
}
