package io.capstan.scheduler.trace;

import static java.util.Objects.requireNonNull;

import io.capstan.scheduler.cluster.NodeSpec;
import io.capstan.scheduler.cluster.PodDemand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Alibaba's GPU-sharing cluster trace "openb" (Weng et al., ATC'23; clusterdata
 * cluster-trace-gpu-v2023): the GPU nodes and one of its pod lists ({@code default}, {@code
 * gpushare40}, {@code multigpu30}, ...), in file order.
 */
public final class AlibabaOpenbTrace {
  static final String NODES_HEADER = "sn,cpu_milli,memory_mib,gpu,model";
  static final String PODS_HEADER = "name,cpu_milli,memory_mib,num_gpu,gpu_milli";
  static final String PODS_FULL_HEADER =
      PODS_HEADER + ",gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time";
  private static final long MIB = 1L << 20;

  private final List<NodeSpec> nodes;
  private final List<Pod> pods;

  private AlibabaOpenbTrace(List<NodeSpec> nodes, List<Pod> pods) {
    this.nodes = List.copyOf(nodes);
    this.pods = List.copyOf(pods);
  }

  /**
   * One pod of a pod list. The {@code multigpu30} list has no times and no GPU model.
   *
   * @param gpuSpec the GPU models the pod accepts, e.g. {@code V100M16|V100M32}; empty for any
   * @param creationSeconds seconds from the trace's start, empty when the list has no times
   */
  public record Pod(
      String name,
      PodDemand demand,
      OptionalLong creationSeconds,
      OptionalLong deletionSeconds,
      String gpuSpec) {
    public Pod {
      requireNonNull(name, "name is null");
      requireNonNull(demand, "demand is null");
      requireNonNull(creationSeconds, "creationSeconds is null");
      requireNonNull(deletionSeconds, "deletionSeconds is null");
      requireNonNull(gpuSpec, "gpuSpec is null");
    }
  }

  /**
   * Loads {@code openb_node_list_gpu_node.csv} and {@code openb_pod_list_<podList>.csv} from {@code
   * traces/alibaba-openb} in the data folder of {@link PhillyTrace#findDataDirectory}.
   */
  public static AlibabaOpenbTrace load(String podList) {
    return load(defaultDirectory(), podList);
  }

  /** Loads the GPU node list and {@code openb_pod_list_<podList>.csv} from {@code directory}. */
  public static AlibabaOpenbTrace load(Path directory, String podList) {
    requireNonNull(directory, "directory is null");
    requireNonNull(podList, "podList is null");
    Path podFile = directory.resolve("openb_pod_list_" + podList + ".csv");
    if (!Files.isRegularFile(podFile)) {
      throw new IllegalArgumentException(
          "Expected a pod list such as default, gpushare40 or multigpu30 with a file "
              + podFile
              + ", but there is none");
    }
    return new AlibabaOpenbTrace(
        readNodes(directory.resolve("openb_node_list_gpu_node.csv")), readPods(podFile));
  }

  /** {@code traces/alibaba-openb} in the data folder found from the working directory. */
  public static Path defaultDirectory() {
    return PhillyTrace.findDataDirectory(
            Path.of("").toAbsolutePath(), System.getProperty(PhillyTrace.DATA_PROPERTY))
        .resolve("traces")
        .resolve("alibaba-openb");
  }

  /** The GPU nodes, in file order. */
  public List<NodeSpec> nodes() {
    return nodes;
  }

  /** The pods, in file order. */
  public List<Pod> pods() {
    return pods;
  }

  /** The pods' demands, in file order. */
  public List<PodDemand> demands() {
    return pods.stream().map(Pod::demand).toList();
  }

  private static List<NodeSpec> readNodes(Path file) {
    List<NodeSpec> nodes = new ArrayList<>();
    forEachRow(
        file,
        List.of(NODES_HEADER),
        row ->
            nodes.add(
                new NodeSpec(
                    row.text(0, "sn"),
                    row.nonNegativeLong(1, "cpu_milli"),
                    row.nonNegativeLong(2, "memory_mib") * MIB,
                    (int) row.nonNegativeLong(3, "gpu"),
                    row.optionalText(4),
                    Map.of())));
    return nodes;
  }

  private static List<Pod> readPods(Path file) {
    List<Pod> pods = new ArrayList<>();
    forEachRow(
        file,
        List.of(PODS_FULL_HEADER, PODS_HEADER),
        row -> {
          boolean full = row.fields.length > 5;
          pods.add(
              new Pod(
                  row.text(0, "name"),
                  demand(row),
                  full
                      ? OptionalLong.of(row.nonNegativeLong(8, "creation_time"))
                      : OptionalLong.empty(),
                  full
                      ? OptionalLong.of(row.nonNegativeLong(9, "deletion_time"))
                      : OptionalLong.empty(),
                  full ? row.optionalText(5) : ""));
        });
    return pods;
  }

  private static PodDemand demand(Row row) {
    long cpu = row.nonNegativeLong(1, "cpu_milli");
    long memory = row.nonNegativeLong(2, "memory_mib") * MIB;
    long gpus = row.nonNegativeLong(3, "num_gpu");
    long milli = row.nonNegativeLong(4, "gpu_milli");
    if (gpus == 0) {
      if (milli != 0) {
        throw row.error(4, "gpu_milli", "0 when num_gpu is 0", "'" + row.fields[4].strip() + "'");
      }
      return PodDemand.of(cpu, memory, 0);
    }
    if (milli == PodDemand.WHOLE_GPU) {
      return PodDemand.of(cpu, memory, (int) gpus);
    }
    if (gpus == 1 && milli >= 1 && milli < PodDemand.WHOLE_GPU) {
      return PodDemand.sharing(cpu, memory, (int) milli);
    }
    throw row.error(
        4,
        "gpu_milli",
        gpus == 1 ? "between 1 and 1000" : "1000 when num_gpu is " + gpus,
        "'" + row.fields[4].strip() + "'");
  }

  private static void forEachRow(Path file, List<String> headers, Consumer<Row> action) {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String first = reader.readLine();
      String header = first == null ? null : first.strip();
      if (!headers.contains(header)) {
        throw new IllegalArgumentException(
            file
                + " line 1: Expected the header '"
                + String.join("' or '", headers)
                + "', but was '"
                + first
                + "'");
      }
      int columns = header.split(",", -1).length;
      int lineNumber = 1;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        String[] fields = line.split(",", -1);
        Row row = new Row(file, lineNumber, fields);
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
      throw new UncheckedIOException("Could not read the Alibaba openb trace file " + file, e);
    }
  }

  /** One data line being parsed, for messages that name file, line and column. */
  private static final class Row {
    private final Path file;
    private final int line;
    private final String[] fields;

    Row(Path file, int line, String[] fields) {
      this.file = file;
      this.line = line;
      this.fields = fields;
    }

    String text(int column, String name) {
      String value = fields[column].strip();
      if (value.isEmpty()) {
        throw error(column, name, "a value", "empty");
      }
      return value;
    }

    String optionalText(int column) {
      return fields[column].strip();
    }

    long nonNegativeLong(int column, String name) {
      String value = fields[column].strip();
      long parsed;
      try {
        parsed = Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw error(column, name, "a non-negative integer", "'" + value + "'", e);
      }
      if (parsed < 0 || parsed > Integer.MAX_VALUE) {
        throw error(column, name, "a non-negative integer", "'" + value + "'");
      }
      return parsed;
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
