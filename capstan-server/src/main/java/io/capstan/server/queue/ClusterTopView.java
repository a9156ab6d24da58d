package io.capstan.server.queue;

import io.capstan.api.cluster.ClusterTop;
import io.capstan.api.cluster.GpuTop;
import io.capstan.api.cluster.NodeTop;
import io.capstan.api.cluster.ProjectTop;
import io.capstan.runtime.GpuUsage;
import io.capstan.runtime.Node;
import io.capstan.scheduler.QueueSpec;
import io.capstan.scheduler.cluster.PodDemand;
import io.capstan.scheduler.cluster.ResourceAmounts;
import io.capstan.server.job.JobRecord;
import io.capstan.server.job.ReplicaHolding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds the {@link ClusterTop} one caller sees from the runtime's nodes, the live jobs and the
 * quotas: the projects in {@code visible} by name, every other project summed into one row, and
 * their jobs on a GPU only as {@link GpuTop#IN_USE}.
 */
final class ClusterTopView {
  private final List<JobRecord> live;
  private final Set<String> visible;
  private final Map<String, ResourceAmounts> allocatedByNode = new HashMap<>();
  private final Map<String, Map<Integer, Set<String>>> holdersByNode = new HashMap<>();
  private final Map<String, GpuUsage> usage = new HashMap<>();

  private ClusterTopView(List<JobRecord> live, Set<String> visible) {
    this.live = live;
    this.visible = visible;
    for (JobRecord job : live) {
      for (ReplicaHolding held : job.holdings()) {
        allocatedByNode.merge(
            held.node(), QueueUsage.amounts(held.resources()), ResourceAmounts::add);
        Map<Integer, Set<String>> holders =
            holdersByNode.computeIfAbsent(held.node(), n -> new HashMap<>());
        for (int gpu : held.gpus()) {
          holders.computeIfAbsent(gpu, i -> new TreeSet<>()).add(holder(job));
        }
      }
    }
  }

  static ClusterTop of(
      List<Node> nodes, List<JobRecord> live, Map<String, QueueSpec> queues, Set<String> visible) {
    return of(nodes, List.of(), live, queues, visible);
  }

  /** The same, with each GPU's last usage sample where {@code usage} has one. */
  static ClusterTop of(
      List<Node> nodes,
      List<GpuUsage> usage,
      List<JobRecord> live,
      Map<String, QueueSpec> queues,
      Set<String> visible) {
    ClusterTopView view = new ClusterTopView(List.copyOf(live), Set.copyOf(visible));
    usage.forEach(sample -> view.usage.put(sample.node() + "/" + sample.index(), sample));
    ResourceAmounts capacity = ResourceAmounts.ZERO;
    ResourceAmounts allocated = ResourceAmounts.ZERO;
    List<NodeTop> rows = new ArrayList<>();
    for (Node node : nodes) {
      capacity = capacity.add(capacity(node));
      allocated = allocated.add(view.allocated(node));
      rows.add(view.node(node));
    }
    return new ClusterTop(
        QuotaMapping.quantities(capacity),
        QuotaMapping.quantities(allocated),
        QuotaMapping.quantities(capacity.subtract(allocated).clampToZero()),
        rows,
        view.projects(queues),
        List.of());
  }

  private NodeTop node(Node node) {
    ResourceAmounts capacity = capacity(node);
    ResourceAmounts allocated = allocated(node);
    Map<Integer, Set<String>> holders = holdersByNode.getOrDefault(node.name(), Map.of());
    List<GpuTop> gpus = new ArrayList<>();
    for (Node.Gpu gpu : devices(node)) {
      Set<String> held = holders.get(gpu.index());
      String heldBy = held == null ? null : String.join(", ", held);
      GpuUsage sample = usage.get(node.name() + "/" + gpu.index());
      gpus.add(
          sample == null
              ? new GpuTop(gpu.index(), gpu.model(), heldBy)
              : new GpuTop(
                  gpu.index(),
                  gpu.model(),
                  heldBy,
                  Double.isNaN(sample.utilization()) ? null : sample.utilization(),
                  sample.memoryUsedBytes(),
                  sample.memoryTotalBytes()));
    }
    return new NodeTop(
        node.name(),
        QuotaMapping.quantities(capacity),
        QuotaMapping.quantities(allocated),
        QuotaMapping.quantities(capacity.subtract(allocated).clampToZero()),
        gpus,
        node.spot() ? NodeTop.SPOT : NodeTop.ON_DEMAND);
  }

  private ResourceAmounts allocated(Node node) {
    return allocatedByNode.getOrDefault(node.name(), ResourceAmounts.ZERO);
  }

  /** The caller's projects by name, then one row summing all the others (when there are any). */
  private List<ProjectTop> projects(Map<String, QueueSpec> queues) {
    Map<String, QueueSpec> all = new TreeMap<>(queues);
    live.forEach(job -> all.computeIfAbsent(job.project(), QuotaStore::defaultQueue));
    List<ProjectTop> rows = new ArrayList<>();
    ProjectSum others = null;
    for (QueueSpec queue : all.values()) {
      ProjectSum row = ProjectSum.of(queue, live);
      if (visible.contains(queue.name())) {
        rows.add(row.toWire(queue.name()));
      } else {
        others = others == null ? row : others.add(row);
      }
    }
    if (others != null) {
      rows.add(others.toWire(ProjectTop.OTHER_PROJECTS));
    }
    return rows;
  }

  private String holder(JobRecord job) {
    return visible.contains(job.project()) ? job.project() + "/" + job.name() : GpuTop.IN_USE;
  }

  private static ResourceAmounts capacity(Node node) {
    return new ResourceAmounts(
        node.capacity().cpuMillis(),
        node.capacity().memoryBytes(),
        (long) devices(node).size() * PodDemand.WHOLE_GPU);
  }

  /** The node's GPUs; a node that lists none but counts some has them at indices 0..n-1. */
  private static List<Node.Gpu> devices(Node node) {
    if (!node.gpus().isEmpty()) {
      return node.gpus();
    }
    List<Node.Gpu> devices = new ArrayList<>();
    for (int i = 0; i < node.capacity().gpus(); i++) {
      devices.add(new Node.Gpu(i, "", 0));
    }
    return devices;
  }

  /**
   * One project's row, or several summed: borrowing sums each project's own, since one project's
   * unused quota does not offset another's borrowing.
   */
  private record ProjectSum(ResourceAmounts nominal, QueueUsage usage, ResourceAmounts borrowing) {
    static ProjectSum of(QueueSpec queue, List<JobRecord> live) {
      QueueUsage usage = QueueUsage.of(queue.name(), live);
      return new ProjectSum(
          queue.nominal(), usage, usage.used().subtract(queue.nominal()).clampToZero());
    }

    ProjectSum add(ProjectSum other) {
      return new ProjectSum(
          nominal.add(other.nominal), usage.add(other.usage), borrowing.add(other.borrowing));
    }

    ProjectTop toWire(String name) {
      return new ProjectTop(
          name,
          QuotaMapping.quantities(nominal),
          QuotaMapping.quantities(usage.used()),
          QuotaMapping.quantities(borrowing),
          usage.running(),
          usage.pending());
    }
  }
}
