package io.capstan.tuning.experiment;

import java.util.Arrays;
import java.util.List;

/** Katib's parameter types. */
public enum ParameterType {
  DOUBLE("double"),
  INT("int"),
  CATEGORICAL("categorical"),
  DISCRETE("discrete");

  private final String katibName;

  ParameterType(String katibName) {
    this.katibName = katibName;
  }

  public String katibName() {
    return katibName;
  }

  /** Whether the space is a range (min, max, step) rather than a list. */
  public boolean numericRange() {
    return this == DOUBLE || this == INT;
  }

  static List<String> katibNames() {
    return Arrays.stream(values()).map(ParameterType::katibName).toList();
  }

  static ParameterType of(String katibName) {
    return Arrays.stream(values())
        .filter(type -> type.katibName.equals(katibName))
        .findFirst()
        .orElseThrow();
  }
}
