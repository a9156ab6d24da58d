package io.capstan.tuning.experiment;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Where trials' metrics come from: Katib's {@code StdOut} (the default, {@code name=value} lines),
 * {@code File} (a text or JSON lines file at {@code path}) or {@code TensorFlowEvent} (event files
 * under the directory {@code path}); {@code metricsFormat} holds the regular expressions of a
 * filter, each with two groups (name, value).
 */
public record MetricsCollectorSpec(
    String kind, String path, String format, List<String> metricsFormat) {
  public static final String STD_OUT = "StdOut";
  public static final String FILE = "File";
  public static final String TENSORFLOW_EVENT = "TensorFlowEvent";

  public MetricsCollectorSpec {
    requireNonNull(kind, "kind is null");
    metricsFormat = List.copyOf(metricsFormat);
  }

  /**
   * The filters as Java patterns (Katib writes them in Go's syntax, where a lone brace is literal).
   */
  public List<Pattern> filters() {
    return metricsFormat.stream().map(format -> Pattern.compile(GoRegex.toJava(format))).toList();
  }

  static MetricsCollectorSpec stdOut() {
    return new MetricsCollectorSpec(STD_OUT, null, null, List.of());
  }
}
