package io.capstan.server.metrics;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the JSON-lines file a replica writes at {@code CAPSTAN_METRICS_FILE} (decision 111): one
 * object per line, {@code {"step": 3, "loss": 0.2, "accuracy": 0.9, "timestamp": 1700000000.5}}.
 * Every number (or numeric string, as Katib's JSON collector writes them) is a metric; {@code
 * step}, {@code epoch}, {@code iteration} or {@code global_step} is the step of the others; {@code
 * timestamp} (seconds since the epoch, or an RFC 3339 string) is when they were measured; {@code
 * "progress": {"percent": 40, "eta_seconds": 120}} is the job's progress. A line that is not a JSON
 * object is skipped and counted; other values (strings, lists, booleans) are ignored.
 */
final class MetricJsonLines {
  /** A longer line is skipped (and counted). */
  static final int MAX_LINE = 1 << 20;

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final List<String> STEP_NAMES =
      List.of("step", "epoch", "iteration", "global_step");

  /** One line's values, when they were measured (null: when they were read) and its progress. */
  record Entry(List<MetricLine.Value> values, Long atMillis, Progress progress) {
    Entry {
      values = List.copyOf(values);
    }
  }

  /** Progress a line reported: percent done, seconds left (null when not said). */
  record Progress(double percent, Double etaSeconds) {}

  /**
   * What {@link #parse} read.
   *
   * @param consumed how many bytes were read: up to the end of the last whole line
   * @param skipped how many lines were malformed
   */
  record Parsed(List<Entry> entries, int consumed, int skipped) {
    Parsed {
      entries = List.copyOf(entries);
    }
  }

  private MetricJsonLines() {}

  /**
   * Reads the whole lines of {@code bytes}; with {@code last} (the file is final) also a last line
   * without its newline. A line longer than {@link #MAX_LINE} is skipped.
   */
  static Parsed parse(byte[] bytes, boolean last) {
    return parse(bytes, last, MetricJsonLines::line);
  }

  /**
   * Reads the whole lines of {@code bytes} as {@link #parse(byte[], boolean)} does, each with
   * {@code reader}, which answers null for a malformed line.
   */
  static Parsed parse(byte[] bytes, boolean last, Function<String, Entry> reader) {
    List<Entry> entries = new ArrayList<>();
    int skipped = 0;
    int start = 0;
    while (start < bytes.length) {
      int end = indexOf(bytes, (byte) '\n', start);
      if (end < 0) {
        if (!last && bytes.length - start < MAX_LINE) {
          break; // the rest of the line comes later
        }
        end = bytes.length;
      }
      if (end - start > MAX_LINE) {
        skipped++;
      } else {
        String line = new String(bytes, start, end - start, StandardCharsets.UTF_8).strip();
        if (!line.isEmpty()) {
          Entry entry = reader.apply(line);
          if (entry == null) {
            skipped++;
          } else if (!entry.values().isEmpty() || entry.progress() != null) {
            entries.add(entry);
          }
        }
      }
      start = Math.min(bytes.length, end + 1);
    }
    return new Parsed(entries, start, skipped);
  }

  /** One line's entry, or null when it is not a JSON object. */
  static Entry line(String line) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JacksonException e) {
      return null;
    }
    if (node == null || !node.isObject()) {
      return null;
    }
    Long step = null;
    Long at = null;
    Progress progress = null;
    List<String> names = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String name = field.getKey();
      JsonNode value = field.getValue();
      if (name.equals("timestamp")) {
        at = millis(value);
      } else if (name.equals("progress") && value.isObject()) {
        progress = progress(value);
      } else {
        Double number = number(value);
        if (number == null) {
          continue;
        }
        if (STEP_NAMES.contains(name.toLowerCase(Locale.ROOT))) {
          if (step == null && number == Math.rint(number)) {
            step = number.longValue();
          }
        } else if (!name.isEmpty()
            && name.length() <= MetricLine.MAX_NAME
            && Double.isFinite(number)) {
          names.add(name);
          values.add(number);
        }
      }
    }
    List<MetricLine.Value> found = new ArrayList<>(names.size());
    for (int i = 0; i < names.size(); i++) {
      found.add(new MetricLine.Value(names.get(i), values.get(i), step));
    }
    return new Entry(found, at, progress);
  }

  private static Progress progress(JsonNode value) {
    Double percent = number(value.get("percent"));
    if (percent == null || !Double.isFinite(percent)) {
      return null;
    }
    Double eta = number(value.get("eta_seconds"));
    return new Progress(
        Math.max(0, Math.min(100, percent)),
        eta == null || !Double.isFinite(eta) ? null : Math.max(0, eta));
  }

  private static Double number(JsonNode value) {
    if (value == null) {
      return null;
    }
    if (value.isNumber()) {
      return value.doubleValue();
    }
    if (value.isString()) {
      try {
        return Double.parseDouble(value.asString().strip());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  /** Milliseconds since the epoch of an RFC 3339 time, or null when it is none. */
  static Long rfc3339Millis(String text) {
    try {
      return OffsetDateTime.parse(text).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      try {
        return Instant.parse(text).toEpochMilli();
      } catch (DateTimeParseException ignored) {
        return null;
      }
    }
  }

  private static Long millis(JsonNode value) {
    if (value.isNumber() && Double.isFinite(value.doubleValue())) {
      return Math.round(value.doubleValue() * 1000);
    }
    if (value.isString()) {
      return rfc3339Millis(value.asString());
    }
    return null;
  }

  private static int indexOf(byte[] bytes, byte wanted, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == wanted) {
        return i;
      }
    }
    return -1;
  }
}
