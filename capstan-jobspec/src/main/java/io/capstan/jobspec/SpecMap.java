package io.capstan.jobspec;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A mapping of a parsed spec document with its field path, read with typed getters whose errors
 * name the field.
 *
 * <p>A key whose value is null ({@code key:} in YAML) reads as absent, as in Kubernetes.
 */
record SpecMap(Map<String, Object> values, FieldPath path) {
  private static final int MAX_QUOTED_LENGTH = 60;

  SpecMap {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    requireNonNull(path, "path is null");
  }

  /** Checks that {@code value}, found at {@code path}, is a mapping with string keys. */
  static SpecMap of(Object value, FieldPath path) {
    if (!(value instanceof Map<?, ?> map)) {
      throw path.invalid(
          "Expected " + subject(path) + " to be a mapping, but was " + describe(value));
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      if (!(entry.getKey() instanceof String key)) {
        throw path.invalid(
            "Expected the keys of "
                + subject(path)
                + " to be strings, but found "
                + describe(entry.getKey()));
      }
      values.put(key, entry.getValue());
    }
    return new SpecMap(values, path);
  }

  /** How messages name a field: its path, or "the document" for the root. */
  static String subject(FieldPath path) {
    return path.text().isEmpty() ? "the document" : path.text();
  }

  /** Describes a parsed YAML value for a message: {@code the string 'abc'}, {@code a list}. */
  static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String text) {
      return text.isEmpty() ? "an empty string" : "the string '" + abbreviate(text) + "'";
    }
    if (value instanceof Boolean) {
      return "the boolean " + value;
    }
    if (value instanceof Number) {
      return "the number " + value;
    }
    if (value instanceof Map) {
      return "a mapping";
    }
    if (value instanceof List) {
      return "a list";
    }
    if (value instanceof Set) {
      return "a set";
    }
    if (value instanceof Date) {
      return "a timestamp";
    }
    if (value instanceof byte[]) {
      return "binary data";
    }
    return "a value of type " + value.getClass().getSimpleName();
  }

  private static String abbreviate(String text) {
    return text.length() <= MAX_QUOTED_LENGTH ? text : text.substring(0, MAX_QUOTED_LENGTH) + "...";
  }

  FieldPath pathOf(String key) {
    return path.child(key);
  }

  /** The raw value of {@code key}, or null when absent. */
  Object get(String key) {
    return values.get(key);
  }

  boolean has(String key) {
    return values.get(key) != null;
  }

  /** Rejects any key not in {@code known}, for formats that are strict about typos. */
  void rejectUnknownKeys(Collection<String> known) {
    for (String key : values.keySet()) {
      if (!known.contains(key)) {
        throw pathOf(key)
            .invalid(
                "Expected "
                    + subject(path)
                    + " to have only the fields "
                    + String.join(", ", known)
                    + ", but found the unknown field '"
                    + key
                    + "'");
      }
    }
  }

  String requiredString(String key) {
    String value = optionalString(key);
    if (value == null) {
      throw pathOf(key).invalid("Expected " + pathOf(key) + " to be set, but it is missing");
    }
    if (value.isBlank()) {
      throw pathOf(key).invalid("Expected " + pathOf(key) + " to be set, but it is empty");
    }
    return value;
  }

  /** The string value of {@code key}, or null when absent. */
  String optionalString(String key) {
    return optional(key, String.class, "a string");
  }

  /** The boolean value of {@code key}, or null when absent. */
  Boolean optionalBoolean(String key) {
    return optional(key, Boolean.class, "true or false");
  }

  /**
   * The value of {@code key} when it is a {@code type}, null when absent; {@code expected} names
   * it.
   */
  private <T> T optional(String key, Class<T> type, String expected) {
    Object value = values.get(key);
    if (value == null || type.isInstance(value)) {
      return type.cast(value);
    }
    throw pathOf(key)
        .invalid("Expected " + pathOf(key) + " to be " + expected + ", but was " + describe(value));
  }

  /**
   * The string value of {@code key}, or null when absent; when set it must be one of {@code
   * allowed}, and {@code why} (empty, or starting with a space) says why in the message.
   */
  String optionalOneOf(String key, List<String> allowed, String why) {
    String value = optionalString(key);
    if (value != null && !allowed.contains(value)) {
      throw pathOf(key)
          .invalid(
              "Expected "
                  + pathOf(key)
                  + " to be "
                  + (allowed.size() == 1 ? "" : "one of ")
                  + String.join(", ", allowed)
                  + why
                  + ", but was '"
                  + value
                  + "'");
    }
    return value;
  }

  /**
   * A scalar (string, number or boolean) as a string, or null when absent; for values Kubernetes
   * users write unquoted, such as label and environment values.
   */
  String optionalScalarAsString(String key) {
    Object value = values.get(key);
    if (value == null) {
      return null;
    }
    return scalarAsString(value, pathOf(key));
  }

  static String scalarAsString(Object value, FieldPath path) {
    if (value instanceof String text) {
      return text;
    }
    if (value instanceof BigDecimal decimal) {
      return decimal.toPlainString();
    }
    if (value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    throw path.invalid(
        "Expected "
            + path
            + " to be a string, number or boolean, but was "
            + describe(value)
            + (value instanceof Date ? "; quote it" : ""));
  }

  /** An integer between {@code min} and {@code max}, or null when absent. */
  Long optionalLong(String key, long min, long max) {
    return optionalLong(key, min, max, pathOf(key).text());
  }

  /**
   * An integer between {@code min} and {@code max}, or null when absent; {@code subject} names it
   * in the range message ({@code replica count of 'worker'}).
   */
  Long optionalLong(String key, long min, long max, String subject) {
    Object value = values.get(key);
    if (value == null) {
      return null;
    }
    FieldPath field = pathOf(key);
    BigInteger number = integer(value, field);
    if (number.compareTo(BigInteger.valueOf(min)) < 0
        || number.compareTo(BigInteger.valueOf(max)) > 0) {
      throw field.invalid(
          "Expected " + subject + " to be " + range(min, max, number) + ", but was " + number);
    }
    return number.longValueExact();
  }

  private static BigInteger integer(Object value, FieldPath field) {
    if (value instanceof Integer || value instanceof Long) {
      return BigInteger.valueOf(((Number) value).longValue());
    }
    if (value instanceof BigInteger big) {
      return big;
    }
    throw field.invalid("Expected " + field + " to be an integer, but was " + describe(value));
  }

  private static String range(long min, long max, BigInteger found) {
    // A bound at the top of int or long is a representation limit, not a rule worth stating.
    if (max >= Integer.MAX_VALUE && found.compareTo(BigInteger.valueOf(min)) < 0) {
      return "at least " + min;
    }
    if (max >= Integer.MAX_VALUE) {
      return "at most " + max;
    }
    return "between " + min + " and " + max;
  }

  SpecMap requiredMap(String key) {
    SpecMap map = optionalMap(key);
    if (map == null) {
      throw pathOf(key).invalid("Expected " + pathOf(key) + " to be set, but it is missing");
    }
    return map;
  }

  /** The mapping under {@code key}, or null when absent. */
  SpecMap optionalMap(String key) {
    Object value = values.get(key);
    return value == null ? null : of(value, pathOf(key));
  }

  /** The list under {@code key}, empty when absent. */
  List<Object> optionalList(String key) {
    Object value = values.get(key);
    if (value == null) {
      return List.of();
    }
    if (value instanceof List<?> list) {
      return Collections.unmodifiableList(new ArrayList<Object>(list));
    }
    throw pathOf(key)
        .invalid("Expected " + pathOf(key) + " to be a list, but was " + describe(value));
  }

  /** The mappings of the list under {@code key}, empty when absent. */
  List<SpecMap> optionalMapList(String key) {
    List<Object> list = optionalList(key);
    List<SpecMap> maps = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      maps.add(of(list.get(i), pathOf(key).index(i)));
    }
    return maps;
  }

  /**
   * The strings of the list under {@code key}, empty when absent. Numbers are not converted: {@code
   * 0.10} would silently become {@code 0.1}, so the message asks to quote them.
   */
  List<String> optionalStringList(String key) {
    List<Object> list = optionalList(key);
    List<String> strings = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      Object item = list.get(i);
      if (!(item instanceof String text)) {
        FieldPath field = pathOf(key).index(i);
        throw field.invalid(
            "Expected "
                + field
                + " to be a string, but was "
                + describe(item)
                + (item instanceof Number || item instanceof Boolean ? "; quote it" : ""));
      }
      strings.add(text);
    }
    return strings;
  }
}
