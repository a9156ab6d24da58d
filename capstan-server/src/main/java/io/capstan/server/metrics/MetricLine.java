package io.capstan.server.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the metrics of one line of output as Katib's StdOut collector does by default: every {@code
 * name=value} with a numeric value ({@code accuracy=0.91 loss=1.2e-3}). A {@code step=}, {@code
 * epoch=} or {@code iteration=} in the same line is the step of the others, not a metric itself. A
 * line of a Katib {@code File} collector's {@code TEXT} file is read alike, by the collector's
 * filters where it has some ({@link #textLine}).
 */
final class MetricLine {
  /** Katib's default filter, {@code ([\w|-]+)\s*=\s*([+-]?\d*(\.\d+)?([Ee][+-]?\d+)?)}. */
  private static final Pattern PAIR =
      Pattern.compile("([\\w|-]+)\\s*=\\s*([+-]?\\d*(\\.\\d+)?([Ee][+-]?\\d+)?)");

  private static final List<String> STEP_NAMES = List.of("step", "epoch", "iteration");
  static final int MAX_NAME = 128;

  /** One value read; {@code step} is null when the line named none. */
  record Value(String name, double value, Long step) {}

  private MetricLine() {}

  static List<Value> parse(String line) {
    if (line.indexOf('=') < 0) {
      return List.of();
    }
    return parse(line, List.of(PAIR));
  }

  /**
   * One line of a Katib {@code File} collector's {@code TEXT} file, as Katib's file collector reads
   * it: every match of each filter (Katib's default without any) is a name (group 1) and value
   * (group 2), both trimmed; a first word in RFC 3339 is when they were measured.
   */
  static MetricJsonLines.Entry textLine(String line, List<Pattern> filters) {
    int space = line.indexOf(' ');
    Long at =
        space > 0 && Character.isDigit(line.charAt(0))
            ? MetricJsonLines.rfc3339Millis(line.substring(0, space))
            : null;
    List<Value> values = filters.isEmpty() ? parse(line) : parse(line, filters);
    return new MetricJsonLines.Entry(values, at, null);
  }

  private static List<Value> parse(String line, List<Pattern> filters) {
    List<String> names = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    Long step = null;
    for (Pattern filter : filters) {
      Matcher m = filter.matcher(line);
      while (m.find()) {
        if (m.groupCount() < 2 || m.group(1) == null || m.group(2) == null) {
          continue;
        }
        Long seen = pair(m.group(1).strip(), m.group(2).strip(), names, values);
        if (step == null) {
          step = seen;
        }
      }
    }
    List<Value> found = new ArrayList<>(names.size());
    for (int i = 0; i < names.size(); i++) {
      found.add(new Value(names.get(i), values.get(i), step));
    }
    return found;
  }

  /** Adds one pair to {@code names} and {@code values}; returns the step when it names one. */
  private static Long pair(String name, String number, List<String> names, List<Double> values) {
    if (number.isEmpty() || number.equals("+") || number.equals("-")) {
      return null;
    }
    double value;
    try {
      value = Double.parseDouble(number);
    } catch (NumberFormatException e) {
      return null;
    }
    if (STEP_NAMES.contains(name.toLowerCase(java.util.Locale.ROOT))) {
      return value == Math.rint(value) ? (long) value : null;
    }
    if (!name.isEmpty() && name.length() <= MAX_NAME && Double.isFinite(value)) {
      names.add(name);
      values.add(value);
    }
    return null;
  }
}
