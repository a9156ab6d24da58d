package io.capstan.runtime;

import static java.util.Objects.requireNonNull;

/**
 * One file a replica writes metrics to ({@link MetricFiles}).
 *
 * @param path relative to the replica's metrics root: {@code capstan-metrics.jsonl}, {@code
 *     tensorboard/train/events.out.tfevents.1700000000.host.42.0}
 * @param format how its bytes are read
 * @param size its size in bytes now
 */
public record MetricFile(String path, Format format, long size) {
  /** How a metric file's bytes are read. */
  public enum Format {
    /** One JSON object per line: {@code {"step": 3, "loss": 0.2}}. */
    JSON_LINES,
    /** TensorBoard's event file: TFRecords, each a {@code tensorflow.Event} protocol buffer. */
    TF_EVENTS,
    /**
     * Lines of text in a Katib collector's folder: read as the job's collector says ({@code TEXT}
     * with its filters, or {@code JSON}), or not at all.
     */
    LINES
  }

  public MetricFile {
    VolumePaths.check(requireNonNull(path, "path is null"), "a metric file's path");
    requireNonNull(format, "format is null");
    if (size < 0) {
      throw new IllegalArgumentException(
          "Expected a non-negative size of metric file '" + path + "', but was " + size);
    }
  }
}
