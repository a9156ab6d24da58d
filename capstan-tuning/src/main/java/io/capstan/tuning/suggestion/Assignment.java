package io.capstan.tuning.suggestion;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The value of each parameter for one trial, as text (Katib's ParameterAssignment list). */
public record Assignment(Map<String, String> values) {
  public Assignment {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  public String value(String parameter) {
    String value = values.get(parameter);
    if (value == null) {
      throw new IllegalArgumentException(
          "Expected a value of parameter " + parameter + " in " + values + ", but it has none");
    }
    return value;
  }

  /** This assignment with {@code parameter} set to {@code value}. */
  public Assignment with(String parameter, String value) {
    Map<String, String> copy = new LinkedHashMap<>(values);
    copy.put(parameter, value);
    return new Assignment(copy);
  }

  /** This assignment without {@code parameter}: the configuration Hyperband promotes. */
  public Map<String, String> without(String parameter) {
    Map<String, String> copy = new LinkedHashMap<>(values);
    copy.remove(parameter);
    return copy;
  }
}
