package io.capstan.api.experiment;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Where a trial is (Katib's trial conditions). */
public enum TrialPhase {
  /** Suggested and stored; its job is not submitted yet. */
  PENDING("Pending"),
  /** Its job is queued or running. */
  RUNNING("Running"),
  /** Its job succeeded and reported the objective metric. */
  SUCCEEDED("Succeeded"),
  /** Its job failed, was cancelled by someone else, or was refused at submission. */
  FAILED("Failed"),
  /** The median stopping rule stopped it; its objective so far counts as its result. */
  EARLY_STOPPED("EarlyStopped"),
  /** Its job succeeded without reporting the objective metric. */
  METRICS_UNAVAILABLE("MetricsUnavailable"),
  /** Its job was cancelled because the experiment finished (goal reached, failed). */
  KILLED("Killed");

  private final String wireName;

  TrialPhase(String wireName) {
    this.wireName = wireName;
  }

  @JsonValue
  public String wireName() {
    return wireName;
  }

  /** Whether the trial has finished. */
  public boolean isFinished() {
    return this != PENDING && this != RUNNING;
  }

  @JsonCreator
  public static TrialPhase fromWire(String name) {
    for (TrialPhase phase : values()) {
      if (phase.wireName.equalsIgnoreCase(name) || phase.name().equalsIgnoreCase(name)) {
        return phase;
      }
    }
    throw new IllegalArgumentException("Unknown trial phase '" + name + "'");
  }
}
