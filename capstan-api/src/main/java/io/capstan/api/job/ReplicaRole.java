package io.capstan.api.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The role of a replica group in a distributed job. */
public enum ReplicaRole {
  MASTER("Master"),
  WORKER("Worker"),
  PS("PS"),
  CHIEF("Chief"),
  EVALUATOR("Evaluator"),
  LAUNCHER("Launcher");

  private final String replicaType;

  ReplicaRole(String replicaType) {
    this.replicaType = replicaType;
  }

  /**
   * Kubeflow's name of the replica type, e.g. {@code Worker} or {@code PS}: the key of {@code
   * replicaStatuses}.
   */
  public String replicaType() {
    return replicaType;
  }

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a role name case-insensitively; null when unknown. */
  @JsonCreator
  public static ReplicaRole fromWire(String name) {
    for (ReplicaRole role : values()) {
      if (role.name().equalsIgnoreCase(name)) {
        return role;
      }
    }
    return null;
  }
}
