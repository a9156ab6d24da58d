package io.capstan.server.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the metrics of one line of output as Katib's StdOut collector does by default: every {@code
 * name=value} with a numeric value ({@code accuracy=0.91 loss=1.2e-3}). A {@code step=}, {@code
 * epoch=} or {@code iteration=} in the same line is the step of the others, not a metric itself.
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
    List<String> names = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    Long step = null;
    Matcher m = PAIR.matcher(line);
    while (m.find()) {
      String number = m.group(2);
      if (number.isEmpty() || number.equals("+") || number.equals("-")) {
        continue;
      }
      double value;
      try {
        value = Double.parseDouble(number);
      } catch (NumberFormatException e) {
        continue;
      }
      String name = m.group(1);
      if (STEP_NAMES.contains(name.toLowerCase(java.util.Locale.ROOT))) {
        if (step == null && value == Math.rint(value)) {
          step = (long) value;
        }
        continue;
      }
      if (name.length() <= MAX_NAME && Double.isFinite(value)) {
        names.add(name);
        values.add(value);
      }
    }
    List<Value> found = new ArrayList<>(names.size());
    for (int i = 0; i < names.size(); i++) {
      found.add(new Value(names.get(i), values.get(i), step));
    }
    return found;
  }
}
