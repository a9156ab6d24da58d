package io.capstan.server.job;

import static java.util.Objects.requireNonNull;

import io.capstan.api.job.JobPhase;
import io.capstan.api.job.Resources;
import io.capstan.runtime.Node;
import io.capstan.scheduler.PendingWorkload;
import io.capstan.scheduler.QueueSpec;
import io.capstan.scheduler.RunningWorkload;
import io.capstan.scheduler.SchedulerState;
import io.capstan.scheduler.Workload;
import io.capstan.scheduler.cluster.NodeSpec;
import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodAllocation;
import io.capstan.scheduler.cluster.PodDemand;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates between jobs and the scheduler: the runtime's nodes and the live jobs become a {@link
 * SchedulerState}; a GPU position on a scheduler node maps to the runtime's device index.
 */
final class JobScheduling {
  private JobScheduling() {}

  /**
   * The gang a job asks for: one pod per replica, in rank order. A training job checkpoints (every
   * attempt mounts the same checkpoint volume, decision 21): it is preferred on spot nodes, and
   * serving replicas and notebooks, which keep nothing across a stop, avoid them (decision 124).
   */
  static Workload workload(JobRecord job) {
    return workload(job, job.spec().priority());
  }

  /** The gang a job asks for, at {@code priority} (its kind's priority now). */
  static Workload workload(JobRecord job, int priority) {
    List<PodDemand> pods = new ArrayList<>();
    for (Rendezvous.Replica replica : Rendezvous.replicas(job.spec())) {
      pods.add(demand(replica.group().resources()));
    }
    return new Workload(
        job.uid(),
        job.project(),
        priority,
        job.createdAt(),
        pods,
        null,
        TrainingJobKind.NAME.equals(job.kind()));
  }

  static PodDemand demand(Resources resources) {
    return PodDemand.of(resources.cpuMillis(), resources.memoryBytes(), resources.gpus());
  }

  static List<NodeSpec> nodeSpecs(List<Node> nodes) {
    return nodes.stream().map(JobScheduling::nodeSpec).toList();
  }

  /** A queued job that still holds resources was preempted and is stopping. */
  static boolean preemptedAndStopping(JobRecord job) {
    return job.phase() == JobPhase.QUEUED && job.holdsResources();
  }

  /**
   * When the job's current run started: as recorded at its admission; for a job admitted before
   * that was recorded, its first start for its first attempt, else now (it is then not demoted by
   * least attained service, decision 24, in place of being demoted at every readmission).
   */
  static Instant runStart(JobRecord job, Instant now, WorkloadKinds kinds) {
    if (kinds.of(job).longRunning()) {
      return now;
    }
    if (job.runs().runStartedAt() != null) {
      return job.runs().runStartedAt();
    }
    if (job.attempt() <= 1) {
      return job.startedAt() != null ? job.startedAt() : job.createdAt();
    }
    return now;
  }

  /**
   * The scheduler's view of the live workloads; a long-running kind (serving replicas, notebooks)
   * is never demoted by least attained service, since its service only grows; it is still preempted
   * by higher priority or by reclaim (decision 45). Each workload is at its kind's priority now
   * ({@link WorkloadKind#priority}).
   */
  static SchedulerState state(
      List<Node> nodes,
      List<JobRecord> live,
      Map<String, QueueSpec> queues,
      Instant now,
      WorkloadKinds kinds) {
    Map<String, Node> byName = new LinkedHashMap<>();
    Map<String, NodeState> states = new LinkedHashMap<>();
    for (Node node : nodes) {
      byName.put(node.name(), node);
      states.put(node.name(), NodeState.empty(nodeSpec(node)));
    }
    List<PendingWorkload> pending = new ArrayList<>();
    List<RunningWorkload> running = new ArrayList<>();
    for (JobRecord job : live) {
      Workload workload = workload(job, kinds.of(job).priority(job, now));
      if (job.holdsResources()) {
        List<PodAllocation> allocations = allocations(job, byName);
        for (PodAllocation allocation : allocations) {
          NodeState state = states.get(allocation.node());
          if (state != null) {
            states.put(allocation.node(), state.allocate(allocation));
          }
        }
        running.add(
            new RunningWorkload(
                workload,
                allocations,
                runStart(job, now, kinds),
                job.runs().attainedGpuSeconds(),
                job.phase() == JobPhase.QUEUED || job.phase().isTerminal()));
      } else if (job.phase() == JobPhase.QUEUED) {
        pending.add(
            new PendingWorkload(
                workload, job.runs().attainedGpuSeconds(), job.runs().waitingSince()));
      }
    }
    return new SchedulerState(List.copyOf(states.values()), queues, pending, running);
  }

  /** The scheduler's allocations as the runtime's placement: device positions become indices. */
  static Map<String, Placement.ReplicaPlacement> placement(
      JobRecord job, List<PodAllocation> allocations, List<Node> nodes) {
    Map<String, Node> byName = new LinkedHashMap<>();
    nodes.forEach(node -> byName.put(node.name(), node));
    List<Rendezvous.Replica> replicas = Rendezvous.replicas(job.spec());
    Map<String, Placement.ReplicaPlacement> placed = new LinkedHashMap<>();
    for (int i = 0; i < replicas.size(); i++) {
      PodAllocation allocation = allocations.get(i);
      Node node = requireNonNull(byName.get(allocation.node()), "unknown node");
      List<Integer> devices =
          allocation.gpuIndices().stream().map(position -> deviceIndex(node, position)).toList();
      placed.put(
          replicas.get(i).name(), new Placement.ReplicaPlacement(allocation.node(), devices, null));
    }
    return placed;
  }

  private static List<PodAllocation> allocations(JobRecord job, Map<String, Node> nodes) {
    List<PodAllocation> allocations = new ArrayList<>();
    for (ReplicaHolding held : job.holdings()) {
      Node node = nodes.get(held.node());
      if (node == null) {
        continue; // a node that is gone holds nothing any more
      }
      List<Integer> positions = held.gpus().stream().map(index -> position(node, index)).toList();
      allocations.add(new PodAllocation(held.node(), demand(held.resources()), positions));
    }
    return allocations;
  }

  private static NodeSpec nodeSpec(Node node) {
    int gpus = node.gpus().isEmpty() ? node.capacity().gpus() : node.gpus().size();
    String model = node.gpus().isEmpty() ? "" : node.gpus().get(0).model();
    return new NodeSpec(
        node.name(),
        node.capacity().cpuMillis(),
        node.capacity().memoryBytes(),
        gpus,
        model,
        node.labels(),
        node.spot());
  }

  private static int deviceIndex(Node node, int position) {
    return node.gpus().isEmpty() ? position : node.gpus().get(position).index();
  }

  private static int position(Node node, int deviceIndex) {
    if (node.gpus().isEmpty()) {
      return deviceIndex;
    }
    for (int i = 0; i < node.gpus().size(); i++) {
      if (node.gpus().get(i).index() == deviceIndex) {
        return i;
      }
    }
    throw new IllegalStateException(
        "Expected GPU "
            + deviceIndex
            + " on node "
            + node.name()
            + ", but it has none by that index");
  }
}
