package io.capstan.api.experiment;

import io.capstan.api.status.Condition;
import java.time.Instant;
import java.util.List;

/**
 * A Katib Experiment as Capstan runs it.
 *
 * @param algorithm {@code spec.algorithm.algorithmName}
 * @param objective what is optimised and when it is good enough
 * @param phase where it is; {@code reason} and {@code message} say why
 * @param seed the seed of its suggestions, drawn at creation or its {@code random_state}
 * @param maxTrialCount null when unbounded
 * @param maxFailedTrialCount null when unbounded
 * @param resumePolicy Katib's {@code Never}, {@code LongRunning} or {@code FromVolume}
 * @param trials how many trials are where
 * @param bestTrial the trial with the best objective so far, or null
 * @param conditions one per phase it has been in; the current one holds
 */
public record ExperimentView(
    String name,
    String project,
    String uid,
    String algorithm,
    Objective objective,
    ExperimentPhase phase,
    String reason,
    String message,
    long seed,
    int parallelTrialCount,
    Integer maxTrialCount,
    Integer maxFailedTrialCount,
    String resumePolicy,
    TrialCounts trials,
    TrialView bestTrial,
    Instant createdAt,
    String createdBy,
    List<Condition> conditions) {
  public ExperimentView {
    conditions = conditions == null ? List.of() : List.copyOf(conditions);
  }

  /**
   * The objective: {@code type} is {@code maximize} or {@code minimize}; {@code goal} may be null.
   */
  public record Objective(
      String type, String objectiveMetricName, Double goal, List<String> additionalMetricNames) {
    public Objective {
      additionalMetricNames =
          additionalMetricNames == null ? List.of() : List.copyOf(additionalMetricNames);
    }
  }

  /** How many trials there are, and how many are in each state. */
  public record TrialCounts(
      int total,
      int pending,
      int running,
      int succeeded,
      int failed,
      int earlyStopped,
      int metricsUnavailable,
      int killed) {}
}
