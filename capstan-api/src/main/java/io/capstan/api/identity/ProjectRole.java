package io.capstan.api.identity;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** A member's role in a project. */
public enum ProjectRole {
  /** Reads everything in the project. */
  VIEWER,
  /** Also submits, cancels and deletes workloads. */
  EDITOR,
  /** Also manages members. */
  ADMIN;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static ProjectRole fromWire(String name) {
    for (ProjectRole role : values()) {
      if (role.name().equalsIgnoreCase(name)) {
        return role;
      }
    }
    return null;
  }

  public boolean atLeast(ProjectRole other) {
    return compareTo(other) >= 0;
  }
}
