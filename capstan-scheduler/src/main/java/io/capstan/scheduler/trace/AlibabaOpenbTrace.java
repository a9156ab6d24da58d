package io.capstan.scheduler.trace;

import static java.util.Objects.requireNonNull;

import io.capstan.scheduler.cluster.NodeSpec;
import io.capstan.scheduler.cluster.PodDemand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

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
    CsvRows.forEach(
        file,
        List.of(NODES_HEADER),
        "Alibaba openb trace",
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
    CsvRows.forEach(
        file,
        List.of(PODS_FULL_HEADER, PODS_HEADER),
        "Alibaba openb trace",
        row -> {
          boolean full = row.columns() > 5;
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

  private static PodDemand demand(CsvRow row) {
    long cpu = row.nonNegativeLong(1, "cpu_milli");
    long memory = row.nonNegativeLong(2, "memory_mib") * MIB;
    long gpus = row.nonNegativeLong(3, "num_gpu");
    long milli = row.nonNegativeLong(4, "gpu_milli");
    if (gpus == 0) {
      if (milli != 0) {
        throw row.error(4, "gpu_milli", "0 when num_gpu is 0", "'" + row.optionalText(4) + "'");
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
        "'" + row.optionalText(4) + "'");
  }
}
