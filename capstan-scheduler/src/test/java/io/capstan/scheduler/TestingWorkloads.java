package io.capstan.scheduler;

import io.capstan.scheduler.cluster.NodeSpec;
import io.capstan.scheduler.cluster.PodDemand;
import io.capstan.scheduler.cluster.ResourceAmounts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Fluent fixtures: {@code workload("a").queue("vision").gpus(4).pods(2).priority(0).at(t)}. */
final class TestingWorkloads {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final long GI = 1L << 30;

  private TestingWorkloads() {}

  static Builder workload(String id) {
    return new Builder(id);
  }

  /** A node with 32 CPUs and 256Gi of memory. */
  static NodeSpec node(String name, int gpus) {
    return new NodeSpec(name, 32_000, 256 * GI, gpus, gpus == 0 ? "" : "A100", Map.of());
  }

  /** As {@link #node}, a spot node: capacity the cloud may take back. */
  static NodeSpec spotNode(String name, int gpus) {
    return new NodeSpec(name, 32_000, 256 * GI, gpus, "A100", Map.of(), true);
  }

  /** A GPU-only quota: nominal GPUs, a borrowing limit (null: unlimited), lending all. */
  static QueueSpec queue(String name, int nominalGpus, Integer borrowGpus, OrderingPolicy policy) {
    return new QueueSpec(
        name,
        ResourceAmounts.gpus(nominalGpus),
        borrowGpus == null ? null : ResourceAmounts.gpus(borrowGpus),
        null,
        1,
        policy);
  }

  static QueueSpec queue(String name, int nominalGpus) {
    return queue(name, nominalGpus, null, OrderingPolicy.FIFO);
  }

  /** Builds a workload; {@code gpus} and {@code gpuMilli} are per pod. */
  static final class Builder {
    private final String id;
    private String queue = "default";
    private int pods = 1;
    private int gpus;
    private int gpuMilli = PodDemand.WHOLE_GPU;
    private long cpuMillis = 1_000;
    private long memoryBytes = 4 * GI;
    private int priority;
    private Instant submittedAt = T0;
    private Duration knownDuration;
    private boolean checkpoints;

    private Builder(String id) {
      this.id = id;
    }

    Builder queue(String queue) {
      this.queue = queue;
      return this;
    }

    Builder pods(int pods) {
      this.pods = pods;
      return this;
    }

    Builder gpus(int gpus) {
      this.gpus = gpus;
      this.gpuMilli = PodDemand.WHOLE_GPU;
      return this;
    }

    Builder gpuFraction(int gpuMilli) {
      this.gpus = 1;
      this.gpuMilli = gpuMilli;
      return this;
    }

    Builder cpu(long cpuMillis) {
      this.cpuMillis = cpuMillis;
      return this;
    }

    Builder memory(long memoryBytes) {
      this.memoryBytes = memoryBytes;
      return this;
    }

    Builder priority(int priority) {
      this.priority = priority;
      return this;
    }

    Builder at(Instant submittedAt) {
      this.submittedAt = submittedAt;
      return this;
    }

    /** It resumes from checkpoints when stopped (a training job). */
    Builder checkpoints() {
      this.checkpoints = true;
      return this;
    }

    Builder duration(Duration knownDuration) {
      this.knownDuration = knownDuration;
      return this;
    }

    Workload build() {
      List<PodDemand> demands = new ArrayList<>();
      for (int i = 0; i < pods; i++) {
        demands.add(
            gpus == 0
                ? PodDemand.of(cpuMillis, memoryBytes, 0)
                : new PodDemand(cpuMillis, memoryBytes, gpus, gpuMilli));
      }
      return new Workload(id, queue, priority, submittedAt, demands, knownDuration, checkpoints);
    }

    PendingWorkload pending() {
      return pending(0);
    }

    PendingWorkload pending(double attainedGpuSeconds) {
      return new PendingWorkload(build(), attainedGpuSeconds);
    }
  }
}
