package io.capstan.server.metrics;

import io.capstan.runtime.MetricFile;
import io.capstan.runtime.MetricFiles;
import io.capstan.runtime.ReplicaId;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** Metric files in memory, written by the test as a replica would write them. */
final class TestingMetricFiles implements MetricFiles {
  private final Map<ReplicaId, Map<String, ByteArrayOutputStream>> files =
      new ConcurrentHashMap<>();

  /** Appends to a replica's file. */
  synchronized void append(ReplicaId id, String path, byte[] bytes) {
    files
        .computeIfAbsent(id, k -> new TreeMap<>())
        .computeIfAbsent(path, k -> new ByteArrayOutputStream())
        .writeBytes(bytes);
  }

  /** Replaces a replica's file. */
  synchronized void replace(ReplicaId id, String path, byte[] bytes) {
    files.computeIfAbsent(id, k -> new TreeMap<>()).put(path, new ByteArrayOutputStream());
    append(id, path, bytes);
  }

  @Override
  public synchronized List<MetricFile> list(ReplicaId id) {
    return files.getOrDefault(id, Map.of()).entrySet().stream()
        .map(file -> new MetricFile(file.getKey(), format(file.getKey()), file.getValue().size()))
        .toList();
  }

  private static MetricFile.Format format(String path) {
    if (path.equals(METRICS_FILE)) {
      return MetricFile.Format.JSON_LINES;
    }
    return path.contains(".tfevents.") ? MetricFile.Format.TF_EVENTS : MetricFile.Format.LINES;
  }

  @Override
  public synchronized byte[] read(ReplicaId id, String path, long offset, int maxBytes) {
    ByteArrayOutputStream file = files.getOrDefault(id, Map.of()).get(path);
    if (file == null) {
      throw new NoSuchElementException("no file " + path);
    }
    byte[] bytes = file.toByteArray();
    int from = (int) Math.min(offset, bytes.length);
    return Arrays.copyOfRange(bytes, from, (int) Math.min(bytes.length, from + (long) maxBytes));
  }
}
