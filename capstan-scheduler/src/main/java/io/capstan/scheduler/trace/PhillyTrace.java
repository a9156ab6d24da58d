package io.capstan.scheduler.trace;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    CsvRows.forEach(
        file,
        List.of(CLUSTERS_HEADER),
        "Philly trace",
        row -> {
          int nodes = row.positiveInt(1, "node num");
          if (clusters.put(row.text(0, "vc"), nodes) != null) {
            throw row.error(
                0, "vc", "a virtual cluster listed once", row.optionalText(0) + " again");
          }
        });
    return clusters;
  }

  private static List<PhillyJob> readJobs(Path file) {
    List<PhillyJob> jobs = new ArrayList<>();
    CsvRows.forEach(
        file,
        List.of(JOBS_HEADER),
        "Philly trace",
        row ->
            jobs.add(
                new PhillyJob(
                    "philly-" + row.dataRow(),
                    row.timestamp(0, "timestamp", TIMESTAMP, "yyyy-MM-dd HH:mm:ss"),
                    row.seconds(1, "duration"),
                    row.positiveInt(2, "num_gpus"),
                    row.text(4, "cluster"))));
    return jobs;
  }
}
