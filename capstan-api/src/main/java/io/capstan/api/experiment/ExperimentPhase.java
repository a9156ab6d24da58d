package io.capstan.api.experiment;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Where an experiment is (Katib's experiment conditions, plus Capstan's Stopped). */
public enum ExperimentPhase {
  /** Accepted; no trial created yet. */
  CREATED("Created"),
  /** Creating and running trials. */
  RUNNING("Running"),
  /** Its goal was reached, maxTrialCount trials finished, or the search space is exhausted. */
  SUCCEEDED("Succeeded"),
  /** More than maxFailedTrialCount trials failed, or the objective metric was never reported. */
  FAILED("Failed"),
  /** Stopped by a user: creates no trial; running ones finish and are recorded. Resumable. */
  STOPPED("Stopped");

  private final String wireName;

  ExperimentPhase(String wireName) {
    this.wireName = wireName;
  }

  @JsonValue
  public String wireName() {
    return wireName;
  }

  /** Whether nothing more happens to it: Succeeded or Failed. */
  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED;
  }

  @JsonCreator
  public static ExperimentPhase fromWire(String name) {
    for (ExperimentPhase phase : values()) {
      if (phase.wireName.equalsIgnoreCase(name) || phase.name().equalsIgnoreCase(name)) {
        return phase;
      }
    }
    throw new IllegalArgumentException("Unknown experiment phase '" + name + "'");
  }
}
