package io.capstan.api.notebook;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Where a notebook is, as derived from its workload and its Jupyter server. */
public enum NotebookPhase {
  /** Waiting for admission under the project's quota (the message says why). */
  PENDING("Pending"),
  /** Admitted; Jupyter is starting and does not answer yet. */
  STARTING("Starting"),
  /** Jupyter answers; reach it at the notebook's path. */
  RUNNING("Running"),
  /** Its server is being stopped; the workspace is kept. */
  STOPPING("Stopping"),
  /** Not running (stopped by a user or culled); the workspace is kept. */
  STOPPED("Stopped"),
  /** Its server failed too often and is not restarted again. */
  FAILED("Failed"),
  /** Being deleted with its workspace. */
  DELETING("Deleting");

  private final String wireName;

  NotebookPhase(String wireName) {
    this.wireName = wireName;
  }

  @JsonValue
  public String wireName() {
    return wireName;
  }

  @JsonCreator
  public static NotebookPhase fromWire(String name) {
    for (NotebookPhase phase : values()) {
      if (phase.wireName.equalsIgnoreCase(name) || phase.name().equalsIgnoreCase(name)) {
        return phase;
      }
    }
    throw new IllegalArgumentException("Unknown notebook phase '" + name + "'");
  }
}
