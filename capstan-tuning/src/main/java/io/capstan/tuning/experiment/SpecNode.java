package io.capstan.tuning.experiment;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A mapping of an Experiment document at a field path ({@code spec.parameters[1].feasibleSpace}),
 * read with typed getters whose errors name the field and say what was expected and found.
 */
record SpecNode(Map<String, Object> values, String path) {
  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");

  SpecNode {
    values = new LinkedHashMap<>(values);
    requireNonNull(path, "path is null");
  }

  static SpecNode of(Object value, String path) {
    if (!(value instanceof Map<?, ?> map)) {
      throw invalid(
          path, "Expected " + subject(path) + " to be a mapping, but was " + describe(value));
    }
    Map<String, Object> values = new LinkedHashMap<>();
    map.forEach((key, item) -> values.put(String.valueOf(key), item));
    return new SpecNode(values, path);
  }

  static CapstanException invalid(String path, String message) {
    return new CapstanException(ErrorCode.INVALID_SPEC, path.isEmpty() ? null : path, message);
  }

  static String child(String path, String key) {
    if (!PLAIN_KEY.matcher(key).matches()) {
      return path + "[" + key + "]";
    }
    return path.isEmpty() ? key : path + "." + key;
  }

  static String subject(String path) {
    return path.isEmpty() ? "the document" : path;
  }

  static String describe(Object value) {
    if (value == null) {
      return "missing";
    }
    if (value instanceof String text) {
      return text.isEmpty() ? "an empty string" : "'" + text + "'";
    }
    if (value instanceof Map) {
      return "a mapping";
    }
    if (value instanceof List) {
      return "a list";
    }
    return "the " + value.getClass().getSimpleName().toLowerCase() + " " + value;
  }

  String pathOf(String key) {
    return child(path, key);
  }

  boolean has(String key) {
    return values.get(key) != null;
  }

  Object raw(String key) {
    return values.get(key);
  }

  /** A scalar (string, number or boolean) as text, or null when absent. */
  String scalar(String key) {
    Object value = values.get(key);
    if (value == null) {
      return null;
    }
    return scalarText(value, pathOf(key));
  }

  static String scalarText(Object value, String path) {
    if (value instanceof String text) {
      return text;
    }
    if (value instanceof BigDecimal decimal) {
      return decimal.toPlainString();
    }
    if (value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    throw invalid(path, "Expected " + path + " to be a string, but was " + describe(value));
  }

  String requiredScalar(String key) {
    String value = scalar(key);
    if (value == null || value.isBlank()) {
      throw invalid(
          pathOf(key),
          "Expected "
              + pathOf(key)
              + " to be set, but it is "
              + (value == null ? "missing" : "empty"));
    }
    return value;
  }

  /** The value of {@code key} as an int, or {@code otherwise} when absent. */
  Integer integer(String key, Integer otherwise) {
    String text = scalar(key);
    if (text == null) {
      return otherwise;
    }
    try {
      return Integer.valueOf(text.trim());
    } catch (NumberFormatException e) {
      throw invalid(
          pathOf(key), "Expected " + pathOf(key) + " to be an integer, but was '" + text + "'");
    }
  }

  /** The value of {@code key} as a number, or null when absent. */
  Double number(String key) {
    String text = scalar(key);
    if (text == null) {
      return null;
    }
    return parseNumber(text, pathOf(key));
  }

  static double parseNumber(String text, String path) {
    try {
      double value = Double.parseDouble(text.trim());
      if (Double.isFinite(value)) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below with the field's path
    }
    throw invalid(path, "Expected " + path + " to be a finite number, but was '" + text + "'");
  }

  /** The mapping at {@code key}, or null when absent. */
  SpecNode node(String key) {
    Object value = values.get(key);
    return value == null ? null : of(value, pathOf(key));
  }

  /** The items of the list at {@code key}, empty when absent. */
  List<Object> list(String key) {
    Object value = values.get(key);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> items)) {
      throw invalid(
          pathOf(key), "Expected " + pathOf(key) + " to be a list, but was " + describe(value));
    }
    return new ArrayList<>(items);
  }

  /** The mappings of the list at {@code key}, empty when absent. */
  List<SpecNode> nodes(String key) {
    List<Object> items = list(key);
    List<SpecNode> nodes = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      nodes.add(of(items.get(i), pathOf(key) + "[" + i + "]"));
    }
    return nodes;
  }

  /** The value of {@code key}, one of {@code allowed}, or {@code otherwise} when absent. */
  String oneOf(String key, List<String> allowed, String otherwise) {
    String value = scalar(key);
    if (value == null || value.isEmpty()) {
      return otherwise;
    }
    if (!allowed.contains(value)) {
      throw invalid(
          pathOf(key),
          "Expected "
              + pathOf(key)
              + " to be one of "
              + String.join(", ", allowed)
              + ", but was '"
              + value
              + "'");
    }
    return value;
  }
}
