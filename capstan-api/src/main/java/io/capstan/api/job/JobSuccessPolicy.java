package io.capstan.api.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * When a job has succeeded, as Kubeflow's TFJob says it ({@code spec.successPolicy}): by its leader
 * (master, chief, launcher, else TensorFlow's worker 0, else every non-PS replica), or only once
 * every worker has.
 */
public enum JobSuccessPolicy {
  /** Kubeflow's default (an empty {@code successPolicy}). */
  DEFAULT("Default"),
  /** Every worker must succeed ({@code successPolicy: AllWorkers}). */
  ALL_WORKERS("AllWorkers");

  private final String wireName;

  JobSuccessPolicy(String wireName) {
    this.wireName = wireName;
  }

  @JsonValue
  public String wireName() {
    return wireName;
  }

  @JsonCreator
  public static JobSuccessPolicy of(String value) {
    for (JobSuccessPolicy policy : values()) {
      if (policy.wireName.equals(value)) {
        return policy;
      }
    }
    throw new IllegalArgumentException(
        "Expected a success policy of Default or AllWorkers, but was '" + value + "'");
  }
}
