package io.capstan.cli.cluster;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.api.cluster.ClusterTop;
import io.capstan.api.cluster.GpuTop;
import io.capstan.api.cluster.NodeTop;
import io.capstan.api.cluster.ProjectTop;
import io.capstan.api.queue.ResourceQuantities;
import io.capstan.cli.CliContext;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.OutputFormat;
import io.capstan.cli.TextTable;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code capstan top}: what the cluster, each node and each of your projects holds now. */
@Command(
    name = "top",
    description =
        "Show what the cluster holds now: totals, each node with its GPUs, and your projects'"
            + " usage against their quota. Projects you are not a member of are summed into one"
            + " row, '(other projects)'.")
public final class TopCommand implements Callable<Integer> {
  private static final String ZERO = "0";

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "json or yaml: the view as the server sent it (default: tables).")
  OutputFormat output;

  private final CliContext context;

  public TopCommand(CliContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  @Override
  public Integer call() {
    String answer = context.client().getText(ApiPaths.TOP);
    if (output == OutputFormat.JSON || output == OutputFormat.YAML) {
      context.printAnswer(answer, output);
      return ExitCodes.OK;
    }
    ClusterTop top = context.codec().fromJson(answer, ClusterTop.class);
    PrintStream out = context.out();
    out.println(summary(top));
    for (String note : top.runtime()) {
      out.println("Runtime: " + note);
    }
    out.println();
    out.println("NODES");
    nodes(top.nodes()).print(out);
    out.println();
    if (sampled(top.nodes())) {
      out.println("GPUS");
      gpus(top.nodes()).print(out);
      out.println();
    }
    out.println("PROJECTS");
    projects(top.projects()).print(out);
    return ExitCodes.OK;
  }

  private static String summary(ClusterTop top) {
    int count = top.nodes().size();
    return "Cluster: "
        + count
        + (count == 1 ? " node" : " nodes")
        + ", allocated/capacity: "
        + "CPU "
        + ratio(top.allocated().cpu(), top.capacity().cpu())
        + ", MEMORY "
        + ratio(top.allocated().memory(), top.capacity().memory())
        + ", GPU "
        + ratio(top.allocated().gpu(), top.capacity().gpu())
        + "; free: "
        + text(top.free());
  }

  private static TextTable nodes(List<NodeTop> nodes) {
    TextTable table =
        new TextTable(
            "NAME",
            "POOL",
            "CPU (ALLOC/CAP)",
            "MEMORY (ALLOC/CAP)",
            "GPU (ALLOC/CAP)",
            "GPUS IN USE");
    for (NodeTop node : nodes) {
      table.row(
          node.name(),
          node.pool(),
          ratio(node.allocated().cpu(), node.capacity().cpu()),
          ratio(node.allocated().memory(), node.capacity().memory()),
          ratio(node.allocated().gpu(), node.capacity().gpu()),
          gpusInUse(node.gpus()));
    }
    return table;
  }

  /** Whether the runtime reported any GPU's utilisation or memory ({@code nvidia-smi}). */
  private static boolean sampled(List<NodeTop> nodes) {
    return nodes.stream()
        .flatMap(node -> node.gpus().stream())
        .anyMatch(gpu -> gpu.utilization() != null || gpu.memoryUsedBytes() != null);
  }

  /** Each GPU's last sample: {@code 87%}, {@code 39.4/79.6 GiB}, and who holds it. */
  private static TextTable gpus(List<NodeTop> nodes) {
    TextTable table = new TextTable("NODE", "GPU", "MODEL", "UTIL", "MEMORY (GiB)", "HELD BY");
    for (NodeTop node : nodes) {
      for (GpuTop gpu : node.gpus()) {
        table.row(
            node.name(),
            gpu.index(),
            gpu.model().isEmpty() ? null : gpu.model(),
            gpu.utilization() == null ? null : Math.round(gpu.utilization() * 100) + "%",
            gpu.memoryUsedBytes() == null || gpu.memoryTotalBytes() == null
                ? null
                : gibibytes(gpu.memoryUsedBytes()) + "/" + gibibytes(gpu.memoryTotalBytes()),
            gpu.heldBy());
      }
    }
    return table;
  }

  private static String gibibytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f", bytes / (double) (1L << 30));
  }

  private static TextTable projects(List<ProjectTop> projects) {
    TextTable table =
        new TextTable(
            "PROJECT",
            "GPU (USED/NOMINAL)",
            "CPU (USED/NOMINAL)",
            "MEMORY (USED/NOMINAL)",
            "BORROWING",
            "RUNNING",
            "PENDING");
    for (ProjectTop project : projects) {
      table.row(
          project.project(),
          ratio(project.usage().gpu(), project.nominal().gpu()),
          ratio(project.usage().cpu(), project.nominal().cpu()),
          ratio(project.usage().memory(), project.nominal().memory()),
          nonZero(project.borrowing()),
          project.running(),
          project.pending());
    }
    return table;
  }

  /** {@code 0=vision/train, 1=in use}, or null (printed as {@code -}) when all GPUs are free. */
  private static String gpusInUse(List<GpuTop> gpus) {
    List<String> held = new ArrayList<>();
    for (GpuTop gpu : gpus) {
      if (gpu.heldBy() != null) {
        held.add(gpu.index() + "=" + gpu.heldBy());
      }
    }
    return held.isEmpty() ? null : String.join(", ", held);
  }

  private static String ratio(String part, String whole) {
    return part + "/" + whole;
  }

  private static String text(ResourceQuantities q) {
    return "CPU " + q.cpu() + ", MEMORY " + q.memory() + ", GPU " + q.gpu();
  }

  /** The dimensions that are not zero ({@code gpu=2 cpu=500m}), or null when none. */
  private static String nonZero(ResourceQuantities q) {
    List<String> parts = new ArrayList<>();
    if (!ZERO.equals(q.gpu())) {
      parts.add("gpu=" + q.gpu());
    }
    if (!ZERO.equals(q.cpu())) {
      parts.add("cpu=" + q.cpu());
    }
    if (!ZERO.equals(q.memory())) {
      parts.add("memory=" + q.memory());
    }
    return parts.isEmpty() ? null : String.join(" ", parts);
  }
}
