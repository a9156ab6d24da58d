package io.capstan.tuning.experiment;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * An experiment's objective: the metric to maximize or minimize, an optional goal that ends the
 * experiment, further metrics to record, and how each metric is taken from a trial's reports
 * (defaulted as Katib does: min for minimize, max for maximize).
 */
public record Objective(
    ObjectiveType type,
    Double goal,
    String objectiveMetricName,
    List<String> additionalMetricNames,
    List<MetricStrategy> metricStrategies) {
  public Objective {
    requireNonNull(type, "type is null");
    requireNonNull(objectiveMetricName, "objectiveMetricName is null");
    additionalMetricNames = List.copyOf(additionalMetricNames);
    metricStrategies = List.copyOf(metricStrategies);
  }

  /** The strategy of {@code metric}: {@code min}, {@code max} or {@code latest}. */
  public String strategyOf(String metric) {
    return metricStrategies.stream()
        .filter(strategy -> strategy.name().equals(metric))
        .map(MetricStrategy::value)
        .findFirst()
        .orElse("latest");
  }

  /** Whether {@code value} reaches the goal, if there is one. */
  public boolean reachesGoal(double value) {
    return goal != null && (type == ObjectiveType.MAXIMIZE ? value >= goal : value <= goal);
  }
}
