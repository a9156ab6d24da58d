package io.capstan.api.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The role of a replica group in a distributed job. */
public enum ReplicaRole {
  MASTER,
  WORKER,
  PS,
  CHIEF,
  EVALUATOR,
  LAUNCHER;

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
