package io.capstan.jobspec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads environment variables, written as a mapping ({@code {KEY: value}}) or as Kubernetes' list
 * ({@code [{name: KEY, value: value}]}). Numbers and booleans become strings; in the list form a
 * later entry with the same name wins, as in Kubernetes. Entries with {@code valueFrom} are left to
 * {@link PodTemplateDetails}.
 */
final class EnvVars {
  /** Kubernetes' rule for environment variable names. */
  private static final Pattern NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");

  private EnvVars() {}

  static Map<String, String> read(SpecMap parent, String key) {
    Object value = parent.get(key);
    if (value == null) {
      return Map.of();
    }
    if (value instanceof Map) {
      return fromMap(parent.optionalMap(key));
    }
    if (value instanceof List) {
      return fromList(parent.optionalMapList(key));
    }
    FieldPath field = parent.pathOf(key);
    throw field.invalid(
        "Expected "
            + field
            + " to be a mapping of names to values or a list of {name, value}, but was "
            + SpecMap.describe(value));
  }

  private static Map<String, String> fromMap(SpecMap env) {
    Map<String, String> result = new LinkedHashMap<>();
    for (String name : env.values().keySet()) {
      checkName(name, env.pathOf(name));
      String value = env.optionalScalarAsString(name);
      result.put(name, value == null ? "" : value);
    }
    return result;
  }

  private static Map<String, String> fromList(List<SpecMap> entries) {
    Map<String, String> result = new LinkedHashMap<>();
    for (SpecMap entry : entries) {
      String name = entry.requiredString("name");
      checkName(name, entry.pathOf("name"));
      if (entry.has("valueFrom")) {
        if (entry.has("value")) {
          throw entry
              .pathOf("value")
              .invalid(
                  "Expected " + entry.path() + " to have one of value and valueFrom, but has both");
        }
        result.remove(name); // read by PodTemplateDetails
        continue;
      }
      String value = entry.optionalScalarAsString("value");
      result.remove(name);
      result.put(name, value == null ? "" : value);
    }
    return result;
  }

  private static void checkName(String name, FieldPath field) {
    if (!NAME.matcher(name).matches()) {
      throw field.invalid(
          "Expected an environment variable name of letters, digits, '_', '-' and '.', not"
              + " starting with a digit, but was '"
              + name
              + "'");
    }
  }
}
