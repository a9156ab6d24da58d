package io.capstan.tuning.experiment;

import static io.capstan.tuning.experiment.SpecNode.invalid;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads {@code spec.metricsCollectorSpec}: {@code StdOut} by default, {@code File} and {@code
 * TensorFlowEvent} with Katib's default paths; Katib's other collectors (Prometheus, Custom, Push,
 * None) are refused by name, since Capstan does not run them.
 */
final class MetricsCollectorParser {
  static final String DEFAULT_FILE = "/var/log/katib/metrics.log";
  static final String DEFAULT_EVENT_DIRECTORY = "/var/log/katib/tfevent/";
  private static final List<String> SUPPORTED =
      List.of(
          MetricsCollectorSpec.STD_OUT,
          MetricsCollectorSpec.FILE,
          MetricsCollectorSpec.TENSORFLOW_EVENT);
  private static final Pattern TWO_GROUPS = Pattern.compile(".*\\(.*\\).*\\(.*\\).*");

  private MetricsCollectorParser() {}

  static MetricsCollectorSpec parse(SpecNode spec) {
    SpecNode node = spec.node("metricsCollectorSpec");
    SpecNode collector = node == null ? null : node.node("collector");
    if (collector == null) {
      return MetricsCollectorSpec.stdOut();
    }
    String kind = collector.scalar("kind");
    if (kind == null || kind.isEmpty()) {
      kind = MetricsCollectorSpec.STD_OUT;
    }
    if (!SUPPORTED.contains(kind)) {
      throw invalid(
          collector.pathOf("kind"),
          "Expected spec.metricsCollectorSpec.collector.kind to be one of "
              + String.join(", ", SUPPORTED)
              + ", but was '"
              + kind
              + "', which Capstan does not support");
    }
    SpecNode source = node.node("source");
    List<String> filters = filters(source);
    if (kind.equals(MetricsCollectorSpec.STD_OUT)) {
      return new MetricsCollectorSpec(kind, null, null, filters);
    }
    SpecNode fileSystemPath = source == null ? null : source.node("fileSystemPath");
    String path = fileSystemPath == null ? null : fileSystemPath.scalar("path");
    if (kind.equals(MetricsCollectorSpec.FILE)) {
      String format =
          fileSystemPath == null
              ? null
              : fileSystemPath.oneOf("format", List.of("TEXT", "JSON"), null);
      if ("JSON".equals(format) && !filters.isEmpty()) {
        throw invalid(
            source.pathOf("filter"),
            "Expected no filter for a metrics file in JSON format, but found one");
      }
      return new MetricsCollectorSpec(
          kind,
          absolute(fileSystemPath, path, DEFAULT_FILE),
          format == null ? "TEXT" : format,
          filters);
    }
    return new MetricsCollectorSpec(
        kind, absolute(fileSystemPath, path, DEFAULT_EVENT_DIRECTORY), null, filters);
  }

  private static String absolute(SpecNode fileSystemPath, String path, String otherwise) {
    if (path == null || path.isEmpty()) {
      return otherwise;
    }
    if (!path.startsWith("/")) {
      throw invalid(
          fileSystemPath.pathOf("path"), "Expected an absolute path, but was '" + path + "'");
    }
    return path;
  }

  private static List<String> filters(SpecNode source) {
    SpecNode filter = source == null ? null : source.node("filter");
    if (filter == null) {
      return List.of();
    }
    List<String> formats = new ArrayList<>();
    List<Object> items = filter.list("metricsFormat");
    for (int i = 0; i < items.size(); i++) {
      String path = filter.pathOf("metricsFormat") + "[" + i + "]";
      String format = SpecNode.scalarText(items.get(i), path);
      try {
        Pattern.compile(GoRegex.toJava(format));
      } catch (PatternSyntaxException e) {
        throw invalid(
            path,
            "Expected a regular expression, but '"
                + format
                + "' is not one: "
                + e.getDescription());
      }
      if (!TWO_GROUPS.matcher(format).matches()) {
        throw invalid(
            path,
            "Expected a regular expression with two groups (name, value), but was '"
                + format
                + "'");
      }
      formats.add(format);
    }
    return formats;
  }
}
