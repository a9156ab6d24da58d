package io.capstan.api.status;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Whether a condition holds, as Kubernetes spells it: {@code True}, {@code False} or {@code
 * Unknown}.
 */
public enum ConditionStatus {
  TRUE("True"),
  FALSE("False"),
  UNKNOWN("Unknown");

  private final String wireName;

  ConditionStatus(String wireName) {
    this.wireName = wireName;
  }

  @JsonValue
  public String wireName() {
    return wireName;
  }

  /** Parses {@code True}, {@code False} or {@code Unknown}, ignoring case. */
  @JsonCreator
  public static ConditionStatus fromWire(String name) {
    for (ConditionStatus status : values()) {
      if (status.wireName.equalsIgnoreCase(name)) {
        return status;
      }
    }
    throw new IllegalArgumentException(
        "Expected a condition status of True, False or Unknown, but was '" + name + "'");
  }

  public static ConditionStatus of(boolean holds) {
    return holds ? TRUE : FALSE;
  }
}
