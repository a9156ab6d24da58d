package io.capstan.server.experiment;

import static java.util.Objects.requireNonNull;

import io.capstan.server.metrics.MetricReports;
import io.capstan.tuning.experiment.Experiment;
import io.capstan.tuning.experiment.Objective;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A trial's metrics as its job's replicas printed them (decision 106), read as Katib's metrics
 * collector reads the primary container: from one replica only, the first by name whose type is the
 * one {@code primaryPodLabels} names ({@code training.kubeflow.org/replica-type} or {@code
 * job-role}) or, without such a label or replica, the first that reported ({@code master-0} before
 * {@code worker-0}). Every rank of a DDP job prints the same loss; Katib reads one.
 */
final class TrialMetrics {
  private static final List<String> REPLICA_TYPE_LABELS =
      List.of("training.kubeflow.org/replica-type", "training.kubeflow.org/job-role");

  private final MetricReports reports;

  TrialMetrics(MetricReports reports) {
    this.reports = requireNonNull(reports, "reports is null");
  }

  /** The objective metric's reports of the primary replica, by step: the median rule's history. */
  List<Double> history(Experiment experiment, String jobUid) {
    return primary(experiment, reports.of(jobUid, experiment.objective().objectiveMetricName()))
        .stream()
        .map(MetricReports.Report::value)
        .toList();
  }

  /**
   * Each metric of the objective (objective first, then the additional ones) that was reported, by
   * its strategy: {@code min}, {@code max} or {@code latest}.
   */
  Map<String, Double> values(Experiment experiment, String jobUid) {
    Objective objective = experiment.objective();
    List<String> names = new ArrayList<>();
    names.add(objective.objectiveMetricName());
    names.addAll(objective.additionalMetricNames());
    Map<String, Double> values = new LinkedHashMap<>();
    for (String name : names) {
      value(experiment, jobUid, name).ifPresent(value -> values.put(name, value));
    }
    return values;
  }

  private Optional<Double> value(Experiment experiment, String jobUid, String name) {
    String strategy = experiment.objective().strategyOf(name);
    if (strategy.equals("latest")) {
      // The latest value is kept even past the cap on points.
      return primary(experiment, reports.latest(jobUid, name)).stream()
          .map(MetricReports.Report::value)
          .findFirst();
    }
    List<MetricReports.Report> series = primary(experiment, reports.of(jobUid, name));
    return series.stream()
        .map(MetricReports.Report::value)
        .reduce(strategy.equals("min") ? Math::min : Math::max);
  }

  /** The reports of the primary replica among {@code all} (sorted by replica, then step). */
  private static List<MetricReports.Report> primary(
      Experiment experiment, List<MetricReports.Report> all) {
    Map<String, String> labels = experiment.trialTemplate().primaryPodLabels();
    String prefix =
        REPLICA_TYPE_LABELS.stream()
            .map(labels::get)
            .filter(java.util.Objects::nonNull)
            .map(type -> type.toLowerCase(Locale.ROOT) + "-")
            .findFirst()
            .orElse("");
    String replica =
        all.stream()
            .map(MetricReports.Report::replica)
            .filter(name -> name.startsWith(prefix))
            .findFirst()
            .orElse(all.isEmpty() ? null : all.get(0).replica());
    return all.stream().filter(report -> report.replica().equals(replica)).toList();
  }
}
