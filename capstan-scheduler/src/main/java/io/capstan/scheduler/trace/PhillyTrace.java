package io.capstan.scheduler.trace;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Microsoft's Philly trace (Jeon et al., ATC 2019; 82,247 jobs, Sep to Dec 2017): its jobs sorted
 * by submission and its virtual clusters with their node counts (8 GPUs per node).
 */
public final class PhillyTrace {
  /** The system property naming the data folder that holds {@code traces/philly}. */
  public static final String DATA_PROPERTY = "capstan.data";

  static final String JOBS_HEADER = "timestamp,duration,num_gpus,gpu_time,cluster";
  static final String CLUSTERS_HEADER = "vc,node num";
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final Comparator<PhillyJob> BY_SUBMISSION =
      Comparator.comparing(PhillyJob::submitted);

  private final List<PhillyJob> jobs;
  private final Map<String, Integer> virtualClusterNodes;

  private PhillyTrace(List<PhillyJob> jobs, Map<String, Integer> virtualClusterNodes) {
    List<PhillyJob> sorted = new ArrayList<>(jobs);
    sorted.sort(BY_SUBMISSION); // stable: ties keep file order
    this.jobs = List.copyOf(sorted);
    this.virtualClusterNodes =
        Collections.unmodifiableMap(new LinkedHashMap<>(virtualClusterNodes));
  }

  /** Loads the trace from the data folder found by {@link #findDataDirectory}. */
  public static PhillyTrace load() {
    return load(
        findDataDirectory(Path.of("").toAbsolutePath(), System.getProperty(DATA_PROPERTY))
            .resolve("traces")
            .resolve("philly"));
  }

  /** Loads {@code philly.csv} and {@code philly_vc.csv} from {@code directory}. */
  public static PhillyTrace load(Path directory) {
    requireNonNull(directory, "directory is null");
    Map<String, Integer> clusters = readClusters(directory.resolve("philly_vc.csv"));
    List<PhillyJob> jobs = readJobs(directory.resolve("philly.csv"));
    return new PhillyTrace(jobs, clusters);
  }

  /**
   * The data folder ({@code .../shared/data}, holding {@code traces/}): {@code property} when set,
   * else the first {@code shared/data} with a {@code traces} folder in {@code workingDirectory} or
   * one of its ancestors.
   */
  public static Path findDataDirectory(Path workingDirectory, String property) {
    if (property != null && !property.isBlank()) {
      Path data = Path.of(property);
      if (!Files.isDirectory(data.resolve("traces"))) {
        throw new IllegalStateException(
            "Expected system property "
                + DATA_PROPERTY
                + " to name a folder holding traces/, but was "
                + data.toAbsolutePath());
      }
      return data;
    }
    for (Path dir = workingDirectory.toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path data = dir.resolve("shared").resolve("data");
      if (Files.isDirectory(data.resolve("traces"))) {
        return data;
      }
    }
    throw new IllegalStateException(
        "Expected a shared/data/traces folder in "
            + workingDirectory.toAbsolutePath()
            + " or one of its parents, but found none; set -D"
            + DATA_PROPERTY
            + "=<folder holding traces/>");
  }

  /** Every job, sorted by submission (ties in file order). */
  public List<PhillyJob> jobs() {
    return jobs;
  }

  /** Virtual cluster name to node count, in file order. */
  public Map<String, Integer> virtualClusterNodes() {
    return virtualClusterNodes;
  }

  /** Jobs submitted in {@code [from, from + span)}, sorted by submission. */
  public List<PhillyJob> window(Instant from, Duration span) {
    Instant until = from.plus(span);
    int first = firstIndexAtOrAfter(from);
    int last = firstIndexAtOrAfter(until);
    return jobs.subList(first, last);
  }

  /** At most {@code count} jobs submitted at or after {@code from}, sorted by submission. */
  public List<PhillyJob> firstAfter(Instant from, int count) {
    if (count < 0) {
      throw new IllegalArgumentException("Expected a non-negative count, but was " + count);
    }
    int first = firstIndexAtOrAfter(from);
    return jobs.subList(first, Math.min(jobs.size(), first + count));
  }

  private int firstIndexAtOrAfter(Instant time) {
    int low = 0;
    int high = jobs.size();
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (jobs.get(mid).submitted().isBefore(time)) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }

  private static Map<String, Integer> readClusters(Path file) {
    Map<String, Integer> clusters = new LinkedHashMap<>();
    forEachRow(
        file,
        CLUSTERS_HEADER,
        2,
        row -> {
          int nodes = row.positiveInt(1, "node num");
          if (clusters.put(row.text(0, "vc"), nodes) != null) {
            throw row.error(0, "vc", "a virtual cluster listed once", row.fields[0] + " again");
          }
        });
    return clusters;
  }

  private static List<PhillyJob> readJobs(Path file) {
    List<PhillyJob> jobs = new ArrayList<>();
    forEachRow(
        file,
        JOBS_HEADER,
        5,
        row ->
            jobs.add(
                new PhillyJob(
                    "philly-" + row.dataRow,
                    row.timestamp(0, "timestamp"),
                    row.seconds(1, "duration"),
                    row.positiveInt(2, "num_gpus"),
                    row.text(4, "cluster"))));
    return jobs;
  }

  private static void forEachRow(Path file, String header, int columns, Consumer<Row> action) {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String first = reader.readLine();
      if (first == null || !first.strip().equals(header)) {
        throw new IllegalArgumentException(
            file + " line 1: Expected the header '" + header + "', but was '" + first + "'");
      }
      int lineNumber = 1;
      int dataRow = 0;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        dataRow++;
        String[] fields = line.split(",", -1);
        Row row = new Row(file, lineNumber, dataRow, fields);
        if (fields.length != columns) {
          throw row.error(
              Math.min(fields.length, columns),
              "",
              columns + " columns",
              fields.length + " in '" + line + "'");
        }
        action.accept(row);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read the Philly trace file " + file, e);
    }
  }

  /** One data line being parsed, for messages that name file, line and column. */
  private static final class Row {
    private final Path file;
    private final int line;
    private final int dataRow;
    private final String[] fields;

    Row(Path file, int line, int dataRow, String[] fields) {
      this.file = file;
      this.line = line;
      this.dataRow = dataRow;
      this.fields = fields;
    }

    String text(int column, String name) {
      String value = fields[column].strip();
      if (value.isEmpty()) {
        throw error(column, name, "a value", "empty");
      }
      return value;
    }

    int positiveInt(int column, String name) {
      String value = fields[column].strip();
      int parsed;
      try {
        parsed = Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw error(column, name, "a positive integer", "'" + value + "'", e);
      }
      if (parsed < 1) {
        throw error(column, name, "a positive integer", "'" + value + "'");
      }
      return parsed;
    }

    Duration seconds(int column, String name) {
      String value = fields[column].strip();
      double seconds;
      try {
        seconds = Double.parseDouble(value);
      } catch (NumberFormatException e) {
        throw error(column, name, "a non-negative number of seconds", "'" + value + "'", e);
      }
      if (!(seconds >= 0) || Double.isInfinite(seconds)) {
        throw error(column, name, "a non-negative number of seconds", "'" + value + "'");
      }
      return Duration.ofMillis(Math.round(seconds * 1000));
    }

    Instant timestamp(int column, String name) {
      String value = fields[column].strip();
      try {
        return LocalDateTime.parse(value, TIMESTAMP).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e) {
        throw error(column, name, "a timestamp yyyy-MM-dd HH:mm:ss", "'" + value + "'", e);
      }
    }

    IllegalArgumentException error(int column, String name, String expected, String actual) {
      return error(column, name, expected, actual, null);
    }

    IllegalArgumentException error(
        int column, String name, String expected, String actual, Throwable cause) {
      String where =
          file
              + " line "
              + line
              + " column "
              + (column + 1)
              + (name.isEmpty() ? "" : " (" + name + ")");
      return new IllegalArgumentException(
          where + ": Expected " + expected + ", but was " + actual, cause);
    }
  }
}
