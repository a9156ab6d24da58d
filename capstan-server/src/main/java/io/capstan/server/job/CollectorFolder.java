package io.capstan.server.job;

import static java.util.Objects.requireNonNull;

import io.capstan.runtime.MetricFiles;
import io.capstan.runtime.Mount;
import io.capstan.runtime.MountSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Katib {@code File} or {@code TensorFlowEvent} metrics collector of a training job (a trial),
 * kept as the job's kind data: its replicas get a writable folder of the runtime's own, the scratch
 * volume {@link MetricFiles#COLLECTOR_VOLUME}, at the collector's folder, whose files the runtime
 * hands back through {@link MetricFiles} (decision 125).
 *
 * @param kind {@code File} or {@code TensorFlowEvent}
 * @param path the collector's absolute path: the metrics file, or the event files' directory
 * @param format {@code TEXT} or {@code JSON} for a file; null for event files
 * @param filters a {@code TEXT} file's regular expressions (Java syntax, two groups: name, value);
 *     empty for Katib's default
 */
public record CollectorFolder(String kind, String path, String format, List<String> filters) {
  public static final String FILE = "File";
  public static final String TENSORFLOW_EVENT = "TensorFlowEvent";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  public CollectorFolder {
    requireNonNull(kind, "kind is null");
    requireNonNull(path, "path is null");
    filters = List.copyOf(filters);
    if (!kind.equals(FILE) && !kind.equals(TENSORFLOW_EVENT)) {
      throw new IllegalArgumentException(
          "Expected a collector kind of File or TensorFlowEvent, but was '" + kind + "'");
    }
    if (!path.startsWith("/") || path.equals("/")) {
      throw new IllegalArgumentException(
          "Expected the collector's path to be absolute and not '/', but was '" + path + "'");
    }
  }

  /** The collector of a job, when its kind data names one. */
  public static Optional<CollectorFolder> of(JobRecord job) {
    if (!TrainingJobKind.NAME.equals(job.kind()) || job.kindData() == null) {
      return Optional.empty();
    }
    JsonNode node;
    try {
      node = JSON.readTree(job.kindData()).get("metricsCollector");
    } catch (JacksonException e) {
      return Optional.empty();
    }
    if (node == null || !node.isObject()) {
      return Optional.empty();
    }
    List<String> filters = new ArrayList<>();
    JsonNode list = node.get("filters");
    if (list != null) {
      list.forEach(filter -> filters.add(filter.asString()));
    }
    JsonNode format = node.get("format");
    return Optional.of(
        new CollectorFolder(
            node.get("kind").asString(),
            node.get("path").asString(),
            format == null || format.asString().isEmpty() ? null : format.asString(),
            filters));
  }

  /** The kind data of a training job with this collector. */
  public String kindData() {
    return JSON.writeValueAsString(
        Map.of(
            "metricsCollector",
            new TreeMap<>(
                Map.of(
                    "kind",
                    kind,
                    "path",
                    path,
                    "format",
                    format == null ? "" : format,
                    "filters",
                    filters))));
  }

  /** The container folder the runtime's folder is mounted at. */
  public String folder() {
    if (kind.equals(TENSORFLOW_EVENT)) {
      String trimmed = path.replaceAll("/+$", "");
      return trimmed.isEmpty() ? path : trimmed;
    }
    String parent = path.substring(0, path.lastIndexOf('/'));
    return parent.isEmpty() ? "/" : parent;
  }

  /**
   * Whether the listed file {@code listed} ({@code collector/...}) is the collector's: a {@code
   * File} collector reads its one file, an event collector every event file below its folder.
   */
  public boolean reads(String listed) {
    String prefix = MetricFiles.COLLECTOR_DIR + "/";
    if (!listed.startsWith(prefix)) {
      return false;
    }
    String inside = listed.substring(prefix.length());
    if (kind.equals(TENSORFLOW_EVENT)) {
      return inside.contains(".tfevents.");
    }
    return inside.equals(path.substring(path.lastIndexOf('/') + 1));
  }

  /**
   * The mount of the runtime's folder at {@link #folder()}; none for a file right under {@code /},
   * whose folder cannot be replaced.
   */
  Optional<Mount> mount() {
    String folder = folder();
    if (folder.equals("/")) {
      return Optional.empty();
    }
    return Optional.of(
        new Mount(new MountSource.Scratch(MetricFiles.COLLECTOR_VOLUME, null), folder, false));
  }
}
