package io.capstan.bench;

import io.capstan.scheduler.OrderingPolicy;
import io.capstan.scheduler.QueueSpec;
import io.capstan.scheduler.Workload;
import io.capstan.scheduler.cluster.NodeSpec;
import io.capstan.scheduler.cluster.PodDemand;
import io.capstan.scheduler.cluster.ResourceAmounts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The seeded cluster, projects and job mix of {@link SchedulerSpeedBench}: GPU nodes of 96 cores
 * and 768 GiB; eight projects whose nominal quotas sum to the cluster, borrowing allowed; jobs
 * mostly of 1 GPU, some of 2, 4 or 8, a few gangs of 16 to 64 GPUs, some CPU-only.
 */
final class SpeedWorkloadMix {
  static final long GI = 1L << 30;
  static final int NODE_CORES = 96;
  static final long NODE_MEMORY = 768 * GI;

  /** Projects and their share of the cluster, largest first. */
  private static final Map<String, Integer> PROJECT_PERCENT = projects();

  /** Priority classes: preemptible batch, normal, production. */
  private static final int LOW = 0;

  private static final int NORMAL = 100;
  private static final int HIGH = 1000;

  private static final int[] CORES_PER_GPU = {4, 6, 8, 10, 12};
  private static final int[] GIB_PER_GPU = {32, 48, 64, 96};

  private final SplittableRandom random;
  private final String prefix;
  private int nextId;

  SpeedWorkloadMix(long seed, String prefix) {
    this.random = new SplittableRandom(seed);
    this.prefix = prefix;
  }

  static List<NodeSpec> nodes(int count, int gpusPerNode) {
    List<NodeSpec> nodes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      nodes.add(
          new NodeSpec(
              String.format("node-%05d", i),
              NODE_CORES * 1000L,
              NODE_MEMORY,
              gpusPerNode,
              "H100",
              Map.of("rack", "rack-" + i / 32)));
    }
    return nodes;
  }

  /** The projects, nominal quotas summing to {@code capacity}, unlimited borrowing. */
  static Map<String, QueueSpec> queues(ResourceAmounts capacity) {
    Map<String, QueueSpec> queues = new LinkedHashMap<>();
    ResourceAmounts assigned = ResourceAmounts.ZERO;
    int index = 0;
    for (Map.Entry<String, Integer> project : PROJECT_PERCENT.entrySet()) {
      boolean last = ++index == PROJECT_PERCENT.size();
      ResourceAmounts nominal =
          last
              ? capacity.subtract(assigned)
              : new ResourceAmounts(
                  capacity.cpuMillis() / 100 * project.getValue(),
                  capacity.memoryBytes() / 100 * project.getValue(),
                  capacity.gpuMilli()
                      / 100
                      / PodDemand.WHOLE_GPU
                      * PodDemand.WHOLE_GPU
                      * project.getValue());
      assigned = assigned.add(nominal);
      OrderingPolicy policy = index % 2 == 0 ? OrderingPolicy.LAS : OrderingPolicy.FIFO;
      queues.put(project.getKey(), QueueSpec.of(project.getKey(), nominal, policy));
    }
    return queues;
  }

  /** The next job of the mix, submitted at {@code submittedAt}. */
  Workload next(Instant submittedAt) {
    String id = prefix + "-" + nextId++;
    return new Workload(id, project(), priority(), submittedAt, pods(), null);
  }

  private String project() {
    int draw = random.nextInt(100);
    for (Map.Entry<String, Integer> project : PROJECT_PERCENT.entrySet()) {
      draw -= project.getValue();
      if (draw < 0) {
        return project.getKey();
      }
    }
    throw new IllegalStateException("Expected project shares to sum to 100");
  }

  private int priority() {
    int draw = random.nextInt(100);
    return draw < 15 ? LOW : draw < 90 ? NORMAL : HIGH;
  }

  private List<PodDemand> pods() {
    int draw = random.nextInt(100);
    if (draw < 10) {
      return List.of(
          PodDemand.of(1000L * (2 + random.nextInt(15)), GI * 8 * (1 + random.nextInt(8)), 0));
    }
    int gpus = draw < 62 ? 1 : draw < 74 ? 2 : draw < 84 ? 4 : 8;
    int workers = draw < 97 ? 1 : 2 + 2 * random.nextInt(4);
    PodDemand pod = gpuPod(workers > 1 ? 8 : gpus);
    List<PodDemand> gang = new ArrayList<>(workers);
    for (int i = 0; i < workers; i++) {
      gang.add(pod);
    }
    return gang;
  }

  private PodDemand gpuPod(int gpus) {
    int cores = CORES_PER_GPU[random.nextInt(CORES_PER_GPU.length)];
    int gib = GIB_PER_GPU[random.nextInt(GIB_PER_GPU.length)];
    return PodDemand.of(1000L * cores * gpus, GI * gib * gpus, gpus);
  }

  private static Map<String, Integer> projects() {
    Map<String, Integer> projects = new LinkedHashMap<>();
    projects.put("vision", 25);
    projects.put("nlp", 20);
    projects.put("speech", 15);
    projects.put("recsys", 10);
    projects.put("robotics", 10);
    projects.put("research", 10);
    projects.put("platform", 5);
    projects.put("interns", 5);
    return projects;
  }
}
