package io.capstan.server.monitoring;

import static java.util.Objects.requireNonNull;

import io.capstan.api.job.JobPhase;
import io.capstan.api.job.Resources;
import io.capstan.runtime.GpuUsage;
import io.capstan.runtime.Node;
import io.capstan.runtime.WorkloadRuntime;
import io.capstan.server.job.JobRecord;
import io.capstan.server.job.JobStore;
import io.capstan.server.job.ReplicaHolding;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The gauges read from the database and the runtime, refreshed right before each scrape: workloads
 * by project, kind and phase (from the database, so every control-plane replica answers the same);
 * queued workloads and the oldest one's wait per project; CPU, memory and GPUs held per project and
 * per node, and each node's capacity; each GPU's last utilisation and memory sample where the
 * runtime takes them, labelled with the project holding it.
 */
final class ClusterGauges {
  private final JdbcClient jdbc;
  private final JobStore jobs;
  private final WorkloadRuntime runtime;
  private final Clock clock;
  private final MultiGauge workloads;
  private final MultiGauge queued;
  private final MultiGauge oldestWait;
  private final Map<String, MultiGauge> projectHeld = new HashMap<>();
  private final Map<String, MultiGauge> nodeHeld = new HashMap<>();
  private final Map<String, MultiGauge> nodeCapacity = new HashMap<>();
  private final MultiGauge gpuUtilization;
  private final MultiGauge gpuMemoryUsed;

  ClusterGauges(
      MeterRegistry registry,
      JdbcClient jdbc,
      JobStore jobs,
      WorkloadRuntime runtime,
      Clock clock) {
    this.jdbc = requireNonNull(jdbc, "jdbc is null");
    this.jobs = requireNonNull(jobs, "jobs is null");
    this.runtime = requireNonNull(runtime, "runtime is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.workloads =
        MultiGauge.builder("capstan.workloads")
            .description("Workloads (training jobs, serving replicas, notebooks) by phase")
            .register(registry);
    this.queued =
        MultiGauge.builder("capstan.queue.pending")
            .description("Workloads waiting for admission")
            .register(registry);
    this.oldestWait =
        MultiGauge.builder("capstan.queue.oldest.wait")
            .description("How long the oldest waiting workload of the project has waited")
            .baseUnit("seconds")
            .register(registry);
    this.gpuUtilization =
        MultiGauge.builder("capstan.gpu.utilization")
            .description(
                "Share of the last sample period a kernel ran on the GPU (nvidia-smi), labelled"
                    + " with the project holding it")
            .baseUnit("ratio")
            .register(registry);
    this.gpuMemoryUsed =
        MultiGauge.builder("capstan.gpu.memory.used")
            .description("GPU memory in use at the last sample (nvidia-smi)")
            .baseUnit("bytes")
            .register(registry);
    for (Resource resource : Resource.values()) {
      projectHeld.put(
          resource.name,
          MultiGauge.builder("capstan.project.allocated." + resource.name)
              .description(resource.help + " held by the project's admitted workloads")
              .baseUnit(resource.unit)
              .register(registry));
      nodeHeld.put(
          resource.name,
          MultiGauge.builder("capstan.node.allocated." + resource.name)
              .description(resource.help + " held on the node by admitted workloads")
              .baseUnit(resource.unit)
              .register(registry));
      nodeCapacity.put(
          resource.name,
          MultiGauge.builder("capstan.node.capacity." + resource.name)
              .description(resource.help + " the node offers")
              .baseUnit(resource.unit)
              .register(registry));
    }
  }

  /** CPU in cores, memory in bytes, GPUs in devices. */
  private enum Resource {
    CPU("cpu", "cores", "CPU"),
    MEMORY("memory", "bytes", "Memory"),
    GPU("gpu", "devices", "GPUs");

    final String name;
    final String unit;
    final String help;

    Resource(String name, String unit, String help) {
      this.name = name;
      this.unit = unit;
      this.help = help;
    }

    double of(Resources resources) {
      return switch (this) {
        case CPU -> resources.cpuMillis() / 1000.0;
        case MEMORY -> resources.memoryBytes();
        case GPU -> resources.gpus();
      };
    }
  }

  /** Reads everything again. */
  void refresh() {
    refreshPhases();
    Map<String, Resources> byProject = new HashMap<>();
    Map<String, Resources> byNode = new HashMap<>();
    Map<String, String> gpuHolders = new HashMap<>();
    for (JobRecord job : jobs.listLive()) {
      for (ReplicaHolding held : job.holdings()) {
        byProject.merge(job.project(), held.resources(), ClusterGauges::add);
        byNode.merge(held.node(), held.resources(), ClusterGauges::add);
        held.gpus().forEach(gpu -> gpuHolders.put(held.node() + "/" + gpu, job.project()));
      }
    }
    refreshGpuUsage(gpuHolders);
    List<Node> nodes = runtime.nodes();
    for (Resource resource : Resource.values()) {
      projectHeld.get(resource.name).register(rows("project", byProject, resource), true);
      Map<String, Resources> held = new HashMap<>();
      Map<String, Resources> capacity = new HashMap<>();
      for (Node node : nodes) {
        held.put(node.name(), byNode.getOrDefault(node.name(), Resources.NONE));
        capacity.put(node.name(), node.capacity());
      }
      nodeHeld.get(resource.name).register(rows("node", held, resource), true);
      nodeCapacity.get(resource.name).register(rows("node", capacity, resource), true);
    }
  }

  /** Each sampled GPU's utilisation and memory, with the project that holds it ("" when free). */
  private void refreshGpuUsage(Map<String, String> holders) {
    List<MultiGauge.Row<?>> utilization = new ArrayList<>();
    List<MultiGauge.Row<?>> memory = new ArrayList<>();
    for (GpuUsage sample : runtime.gpuUsage()) {
      Tags tags =
          Tags.of(
              "node",
              sample.node(),
              "gpu",
              Integer.toString(sample.index()),
              "project",
              holders.getOrDefault(sample.node() + "/" + sample.index(), ""));
      if (!Double.isNaN(sample.utilization())) {
        utilization.add(MultiGauge.Row.of(tags, sample.utilization()));
      }
      memory.add(MultiGauge.Row.of(tags, sample.memoryUsedBytes()));
    }
    gpuUtilization.register(utilization, true);
    gpuMemoryUsed.register(memory, true);
  }

  private void refreshPhases() {
    List<MultiGauge.Row<?>> phases = new ArrayList<>();
    jdbc.sql("select project, kind, phase, count(*) from jobs group by project, kind, phase")
        .query(
            rs -> {
              phases.add(
                  MultiGauge.Row.of(
                      Tags.of(
                          "project",
                          rs.getString(1),
                          "kind",
                          rs.getString(2),
                          "phase",
                          JobPhase.valueOf(rs.getString(3)).wireName()),
                      rs.getLong(4)));
            });
    workloads.register(phases, true);
    List<MultiGauge.Row<?>> pending = new ArrayList<>();
    List<MultiGauge.Row<?>> waits = new ArrayList<>();
    long now = clock.millis();
    jdbc.sql(
            "select project, count(*), min(created_at) from jobs where phase = ?"
                + " group by project")
        .param(JobPhase.QUEUED.name())
        .query(
            rs -> {
              Tags project = Tags.of("project", rs.getString(1));
              pending.add(MultiGauge.Row.of(project, rs.getLong(2)));
              waits.add(MultiGauge.Row.of(project, Math.max(0, now - rs.getLong(3)) / 1000.0));
            });
    queued.register(pending, true);
    oldestWait.register(waits, true);
  }

  private static List<MultiGauge.Row<?>> rows(
      String label, Map<String, Resources> amounts, Resource resource) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    amounts.forEach(
        (key, value) -> rows.add(MultiGauge.Row.of(Tags.of(label, key), resource.of(value))));
    return rows;
  }

  private static Resources add(Resources a, Resources b) {
    return new Resources(
        a.cpuMillis() + b.cpuMillis(), a.memoryBytes() + b.memoryBytes(), a.gpus() + b.gpus());
  }
}
