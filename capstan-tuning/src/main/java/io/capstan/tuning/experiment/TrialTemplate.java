package io.capstan.tuning.experiment;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * What each trial runs: a job document of any kind ({@code trialSpec}) with placeholders, the
 * placeholders ({@code trialParameters}), the container that reports metrics, and the conditions
 * that tell success and failure (defaulted as Katib does for batch Jobs and Kubeflow jobs).
 */
public record TrialTemplate(
    String primaryContainerName,
    List<TrialParameter> trialParameters,
    Map<String, Object> trialSpec,
    String successCondition,
    String failureCondition,
    Map<String, String> primaryPodLabels,
    boolean retain) {
  public TrialTemplate {
    requireNonNull(primaryContainerName, "primaryContainerName is null");
    trialParameters = List.copyOf(trialParameters);
    requireNonNull(trialSpec, "trialSpec is null");
    primaryPodLabels = Map.copyOf(primaryPodLabels);
  }

  public String apiVersion() {
    return String.valueOf(trialSpec.get("apiVersion"));
  }

  public String kind() {
    return String.valueOf(trialSpec.get("kind"));
  }
}
