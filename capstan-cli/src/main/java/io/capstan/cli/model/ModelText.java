package io.capstan.cli.model;

import io.capstan.api.model.Lineage;
import io.capstan.api.model.ModelVersionView;
import io.capstan.api.model.ModelView;
import io.capstan.api.model.TensorSpec;
import io.capstan.cli.Durations;
import io.capstan.cli.TextTable;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The human views of models and versions. */
final class ModelText {
  private ModelText() {}

  static void describe(
      ModelView model, List<ModelVersionView> versions, PrintStream out, Clock clock) {
    TextTable fields = new TextTable("Model:", model.name());
    fields.row("Project:", model.project());
    fields.row("Created:", time(model.createdAt(), clock));
    fields.row("Latest:", model.latestVersion());
    fields.row("Aliases:", aliases(model.aliases()));
    fields.print(out);
    if (versions.isEmpty()) {
      return;
    }
    out.println();
    TextTable table = new TextTable("VERSION", "ALIASES", "SOURCE", "METRICS", "CREATED");
    for (ModelVersionView version : versions) {
      table.row(
          version.version(),
          version.aliases().isEmpty() ? null : String.join(",", version.aliases()),
          source(version.lineage()),
          pairs(version.metrics()),
          time(version.createdAt(), clock));
    }
    table.print(out);
  }

  static void describe(ModelVersionView version, PrintStream out, Clock clock) {
    TextTable fields = new TextTable("Model:", version.model() + ":" + version.version());
    fields.row("Project:", version.project());
    fields.row(
        "Aliases:",
        version.aliases().isEmpty()
            ? null
            : version.aliases().stream().map(a -> "@" + a).collect(Collectors.joining(", ")));
    fields.row("Description:", version.description());
    fields.row("Registered:", time(version.createdAt(), clock));
    fields.row("Registered by:", version.lineage().registeredBy());
    fields.row("Source:", source(version.lineage()));
    fields.row(
        "Artifact:",
        version.artifact().key()
            + " ("
            + version.artifact().sizeBytes()
            + " bytes, sha256 "
            + version.artifact().sha256()
            + ")");
    fields.row("Metrics:", pairs(version.metrics()));
    fields.row("Tags:", pairs(version.tags()));
    fields.print(out);
    out.println();
    TextTable signature = new TextTable("SIGNATURE", "NAME", "TYPE", "SHAPE");
    for (TensorSpec input : version.signature().inputs()) {
      signature.row("input", input.name(), input.dtype(), shape(input.shape()));
    }
    for (TensorSpec output : version.signature().outputs()) {
      signature.row("output", output.name(), output.dtype(), shape(output.shape()));
    }
    signature.print(out);
  }

  static String aliases(Map<String, Integer> aliases) {
    if (aliases.isEmpty()) {
      return null;
    }
    return new TreeMap<>(aliases)
        .entrySet().stream()
            .map(e -> "@" + e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(", "));
  }

  static String time(Instant instant, Clock clock) {
    return instant == null
        ? null
        : instant.truncatedTo(ChronoUnit.SECONDS)
            + " ("
            + Durations.age(Duration.between(instant, clock.instant()))
            + " ago)";
  }

  /** {@code job train-1 (uid train-1-ab12, attempt 1) model.onnx}, or {@code upload}. */
  private static String source(Lineage lineage) {
    if (lineage.jobName() == null) {
      return "upload";
    }
    return "job "
        + lineage.jobName()
        + " (uid "
        + lineage.jobUid()
        + ", attempt "
        + lineage.attempt()
        + ") "
        + lineage.outputPath();
  }

  /** {@code a=1, b=2} sorted by key, or null (printed as {@code -}) when empty. */
  private static String pairs(Map<String, ?> values) {
    return values.isEmpty()
        ? null
        : new TreeMap<>(values)
            .entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", "));
  }

  private static String shape(List<Long> shape) {
    return shape.stream()
        .map(d -> d < 0 ? "?" : d.toString())
        .collect(Collectors.joining(", ", "[", "]"));
  }
}
