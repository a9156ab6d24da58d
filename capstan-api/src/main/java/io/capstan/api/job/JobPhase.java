package io.capstan.api.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The phase of a training job. Legal transitions are the server's {@code JobLifecycle}. */
public enum JobPhase {
  QUEUED("Queued"),
  STARTING("Starting"),
  RUNNING("Running"),
  RESTARTING("Restarting"),
  SUCCEEDED("Succeeded"),
  FAILED("Failed"),
  CANCELLED("Cancelled");

  private final String wireName;

  JobPhase(String wireName) {
    this.wireName = wireName;
  }

  @JsonValue
  public String wireName() {
    return wireName;
  }

  @JsonCreator
  public static JobPhase fromWire(String name) {
    for (JobPhase phase : values()) {
      if (phase.wireName.equalsIgnoreCase(name) || phase.name().equalsIgnoreCase(name)) {
        return phase;
      }
    }
    throw new IllegalArgumentException("Unknown job phase '" + name + "'");
  }

  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}
