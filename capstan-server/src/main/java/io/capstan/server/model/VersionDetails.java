package io.capstan.server.model;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a user may say about a new version: a description, metrics and tags, checked against the
 * registry's limits with errors that name the field.
 */
record VersionDetails(String description, Map<String, Double> metrics, Map<String, String> tags) {
  static final int MAX_DESCRIPTION = 1000;
  static final int MAX_ENTRIES = 100;
  static final int MAX_KEY = 100;
  static final int MAX_TAG_VALUE = 1000;

  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.:/-]+");

  VersionDetails {
    if (description != null && description.length() > MAX_DESCRIPTION) {
      throw invalid(
          "description",
          "Expected description to have at most "
              + MAX_DESCRIPTION
              + " characters, but it has "
              + description.length());
    }
    metrics = checked("metric", metrics == null ? Map.of() : metrics);
    tags = checked("tag", tags == null ? Map.of() : tags);
    for (Map.Entry<String, Double> metric : metrics.entrySet()) {
      if (metric.getValue() == null || !Double.isFinite(metric.getValue())) {
        throw invalid(
            "metric",
            "Expected metric '"
                + metric.getKey()
                + "' to be a finite number, but was "
                + metric.getValue());
      }
    }
    for (Map.Entry<String, String> tag : tags.entrySet()) {
      if (tag.getValue() == null || tag.getValue().length() > MAX_TAG_VALUE) {
        throw invalid(
            "tag",
            "Expected tag '"
                + tag.getKey()
                + "' to have a value of at most "
                + MAX_TAG_VALUE
                + " characters, but was "
                + (tag.getValue() == null ? "null" : tag.getValue().length() + " characters"));
      }
    }
    metrics = Map.copyOf(metrics);
    tags = Map.copyOf(tags);
  }

  /** Details from {@code KEY=VALUE} texts, as the upload endpoint takes them in its query. */
  static VersionDetails fromQuery(String description, List<String> metrics, List<String> tags) {
    Map<String, Double> metricValues = new LinkedHashMap<>();
    for (String text : metrics == null ? List.<String>of() : metrics) {
      String[] pair = pair("metric", text);
      try {
        metricValues.put(pair[0], Double.valueOf(pair[1]));
      } catch (NumberFormatException e) {
        throw new CapstanException(
            ErrorCode.INVALID_ARGUMENT,
            "metric",
            "Expected metric '" + pair[0] + "' to be a number, but was '" + pair[1] + "'",
            e);
      }
    }
    Map<String, String> tagValues = new LinkedHashMap<>();
    for (String text : tags == null ? List.<String>of() : tags) {
      String[] pair = pair("tag", text);
      tagValues.put(pair[0], pair[1]);
    }
    return new VersionDetails(description, metricValues, tagValues);
  }

  /** These details with {@code defaults} for the metrics they do not set. */
  VersionDetails withDefaultMetrics(Map<String, Double> defaults) {
    Map<String, Double> merged = new LinkedHashMap<>(defaults);
    merged.putAll(metrics);
    return new VersionDetails(description, merged, tags);
  }

  private static String[] pair(String field, String text) {
    int eq = text.indexOf('=');
    if (eq <= 0) {
      throw invalid(field, "Expected " + field + " to be KEY=VALUE, but was '" + text + "'");
    }
    return new String[] {text.substring(0, eq), text.substring(eq + 1)};
  }

  private static <V> Map<String, V> checked(String field, Map<String, V> entries) {
    if (entries.size() > MAX_ENTRIES) {
      throw invalid(
          field,
          "Expected at most " + MAX_ENTRIES + " " + field + "s, but there are " + entries.size());
    }
    for (String key : entries.keySet()) {
      if (key == null || key.length() > MAX_KEY || !KEY.matcher(key).matches()) {
        throw invalid(
            field,
            "Expected "
                + field
                + " names of letters, digits, '_', '.', ':', '/' or '-', at most "
                + MAX_KEY
                + " characters, but found '"
                + key
                + "'");
      }
    }
    return entries;
  }

  private static CapstanException invalid(String field, String message) {
    return new CapstanException(ErrorCode.INVALID_ARGUMENT, field, message);
  }
}
