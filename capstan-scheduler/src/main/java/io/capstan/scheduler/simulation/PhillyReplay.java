package io.capstan.scheduler.simulation;

import io.capstan.scheduler.OrderingPolicy;
import io.capstan.scheduler.QueueSpec;
import io.capstan.scheduler.Workload;
import io.capstan.scheduler.cluster.NodeSpec;
import io.capstan.scheduler.cluster.PodDemand;
import io.capstan.scheduler.cluster.ResourceAmounts;
import io.capstan.scheduler.trace.PhillyJob;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns Philly jobs into a replay: nodes of 8 GPUs, one queue per virtual cluster with a nominal
 * GPU quota in proportion to the virtual cluster's nodes in the trace (the rest of the cluster
 * unassigned, so anyone may borrow it), and a gang per job of at most 8 GPUs per pod.
 */
public final class PhillyReplay {
  /** GPUs per Philly node, the trace's common simplification. */
  public static final int GPUS_PER_NODE = 8;

  /** The queue name of {@link #oneQueue}. */
  public static final String ONE_QUEUE = "cluster";

  private static final long GI = 1L << 30;
  private static final long CPU_PER_GPU = 4_000;
  private static final long MEMORY_PER_GPU = 32 * GI;

  private PhillyReplay() {}

  /** {@code count} identical nodes of 8 GPUs, 32 CPUs and 256Gi each. */
  public static List<NodeSpec> nodes(int count) {
    List<NodeSpec> nodes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      nodes.add(
          new NodeSpec(
              String.format("node-%04d", i),
              GPUS_PER_NODE * CPU_PER_GPU,
              GPUS_PER_NODE * MEMORY_PER_GPU,
              GPUS_PER_NODE,
              "P100",
              Map.of()));
    }
    return nodes;
  }

  /**
   * One queue per virtual cluster, nominal GPUs in proportion to its nodes, rounded down; all with
   * {@code policy}, unlimited borrowing, lending all of their nominal quota.
   */
  public static Map<String, QueueSpec> queues(
      Map<String, Integer> virtualClusterNodes, int clusterGpus, OrderingPolicy policy) {
    int traceNodes = virtualClusterNodes.values().stream().mapToInt(Integer::intValue).sum();
    Map<String, QueueSpec> queues = new LinkedHashMap<>();
    virtualClusterNodes.forEach(
        (name, nodes) -> {
          long nominal = (long) clusterGpus * nodes / traceNodes;
          queues.put(name, QueueSpec.of(name, ResourceAmounts.gpus(nominal), policy));
        });
    return queues;
  }

  /**
   * One queue for the whole cluster, as in Tiresias' evaluation: its nominal quota is every GPU, so
   * no quota guarantee constrains the order.
   */
  public static Map<String, QueueSpec> oneQueue(int clusterGpus, OrderingPolicy policy) {
    return Map.of(ONE_QUEUE, QueueSpec.of(ONE_QUEUE, ResourceAmounts.gpus(clusterGpus), policy));
  }

  /** {@code jobs} with every workload in the queue of {@link #oneQueue}. */
  public static List<SimJob> inOneQueue(List<SimJob> jobs) {
    List<SimJob> moved = new ArrayList<>(jobs.size());
    for (SimJob job : jobs) {
      Workload w = job.workload();
      moved.add(
          new SimJob(
              new Workload(
                  w.id(), ONE_QUEUE, w.priority(), w.submittedAt(), w.pods(), w.knownDuration()),
              job.duration()));
    }
    return moved;
  }

  /** The jobs as gangs; {@code knownDuration} set only for the shortest-job-first oracle. */
  public static List<SimJob> jobs(List<PhillyJob> jobs, boolean revealDurations) {
    List<SimJob> replayed = new ArrayList<>(jobs.size());
    for (PhillyJob job : jobs) {
      Workload workload =
          new Workload(
              job.id(),
              job.virtualCluster(),
              0,
              job.submitted(),
              pods(job.gpus()),
              revealDurations ? job.duration() : null);
      replayed.add(new SimJob(workload, job.duration()));
    }
    return replayed;
  }

  /** Full nodes of 8 GPUs and the remainder in a last pod: 12 GPUs are pods of 8 and 4. */
  static List<PodDemand> pods(int gpus) {
    List<PodDemand> pods = new ArrayList<>();
    for (int left = gpus; left > 0; left -= GPUS_PER_NODE) {
      int here = Math.min(GPUS_PER_NODE, left);
      pods.add(PodDemand.of(here * CPU_PER_GPU, here * MEMORY_PER_GPU, here));
    }
    return pods;
  }
}
