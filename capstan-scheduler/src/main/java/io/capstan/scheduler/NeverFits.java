package io.capstan.scheduler;

import io.capstan.scheduler.cluster.NodeSpec;
import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodDemand;
import io.capstan.scheduler.cluster.ResourceAmounts;
import io.capstan.scheduler.placement.GangPlacer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Decides whether a workload can never run, on the empty cluster under its queue's quota. */
final class NeverFits {
  private final GangPlacer placer;

  /** The cluster of the previous call: the nodes and queues rarely change between cycles. */
  private volatile Cluster last;

  NeverFits(GangPlacer placer) {
    this.placer = placer;
  }

  Optional<String> check(Workload workload, List<NodeSpec> nodes, Map<String, QueueSpec> queues) {
    return on(nodes, queues).check(workload);
  }

  /** The checks of its queue alone: for a cluster that grows, its nodes say nothing of never. */
  Optional<String> checkQueue(
      Workload workload, List<NodeSpec> nodes, Map<String, QueueSpec> queues) {
    return on(nodes, queues).queueVerdict(workload);
  }

  /** The checks against one cluster and set of queues, to run for many workloads. */
  Cluster on(List<NodeSpec> nodes, Map<String, QueueSpec> queues) {
    Cluster cached = last;
    if (cached != null && cached.isFor(nodes, queues)) {
      return cached;
    }
    Cluster cluster = new Cluster(nodes, queues);
    last = cluster;
    return cluster;
  }

  /**
   * An empty cluster to check workloads against; remembers the gang shapes it placed. Safe for
   * concurrent use.
   */
  final class Cluster {
    private final List<NodeSpec> nodes;
    private final Map<String, QueueSpec> queues;
    private final List<NodeState> empty = new ArrayList<>();
    private final ResourceAmounts capacity;
    private final QuotaBook book;
    private final Map<List<PodDemand>, Boolean> placeable = new ConcurrentHashMap<>();

    /** The answer per queue and gang: a cycle asks it for every workload that does not start. */
    private final Map<Shape, Optional<String>> verdicts = new ConcurrentHashMap<>();

    private Cluster(List<NodeSpec> nodes, Map<String, QueueSpec> queues) {
      this.nodes = List.copyOf(nodes);
      this.queues = Map.copyOf(queues);
      ResourceAmounts sum = ResourceAmounts.ZERO;
      for (NodeSpec node : nodes) {
        empty.add(NodeState.empty(node));
        sum = sum.add(node.capacity());
      }
      this.capacity = sum;
      this.book = QuotaBook.of(queues, capacity, List.of());
    }

    /** Whether this is the empty cluster of these nodes, in this order, and these queues. */
    boolean isFor(List<NodeSpec> otherNodes, Map<String, QueueSpec> otherQueues) {
      if (otherNodes.size() != nodes.size() || !otherQueues.equals(queues)) {
        return false;
      }
      for (int i = 0; i < nodes.size(); i++) {
        NodeSpec node = otherNodes.get(i);
        if (node != nodes.get(i) && !node.equals(nodes.get(i))) {
          return false;
        }
      }
      return true;
    }

    Optional<String> check(Workload workload) {
      return verdicts.computeIfAbsent(
          new Shape(workload.queue(), workload.pods()), shape -> verdict(workload));
    }

    private Optional<String> verdict(Workload workload) {
      QueueSpec spec = queues.get(workload.queue());
      if (spec == null) {
        return Optional.of(PendingReasons.unknownQueue(workload.queue()));
      }
      Optional<String> pods = podLargerThanEveryNode(workload, empty);
      if (pods.isPresent()) {
        return pods;
      }
      ResourceAmounts total = workload.total();
      if (!total.fitsIn(capacity)) {
        return Optional.of(
            "needs " + total + " in total, more than the whole cluster's " + capacity);
      }
      Optional<String> queue = queueVerdict(workload);
      if (queue.isPresent()) {
        return queue;
      }
      boolean fits =
          placeable.computeIfAbsent(workload.pods(), gang -> placer.place(gang, empty).isPresent());
      if (!fits) {
        return Optional.of(
            "its "
                + workload.pods().size()
                + " pods (needing "
                + total
                + " together) cannot be placed as one gang even on the empty cluster");
      }
      return Optional.empty();
    }

    /** Its queue: unknown, or a ceiling or cohort the gang is larger than. */
    Optional<String> queueVerdict(Workload workload) {
      QueueSpec spec = queues.get(workload.queue());
      if (spec == null) {
        return Optional.of(PendingReasons.unknownQueue(workload.queue()));
      }
      ResourceAmounts total = workload.total();
      ResourceAmounts demand = book.governed(total);
      if (!demand.fitsIn(spec.ceiling())) {
        return Optional.of(PendingReasons.overCeiling(workload, spec, demand));
      }
      ResourceAmounts mostEver = spec.nominal().add(book.borrowable(spec.name()));
      if (!demand.fitsIn(mostEver)) {
        return Optional.of(PendingReasons.overCohort(spec, demand, mostEver));
      }
      return Optional.empty();
    }
  }

  /** What a verdict depends on: the text names neither the workload nor when it came. */
  private record Shape(String queue, List<PodDemand> pods) {
    // Spelled out, as the generated ones are slower: a cycle asks for every waiting workload.
    @Override
    public int hashCode() {
      return 31 * queue.hashCode() + pods.hashCode();
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Shape shape && shape.queue.equals(queue) && shape.pods.equals(pods);
    }
  }

  private static Optional<String> podLargerThanEveryNode(Workload workload, List<NodeState> empty) {
    for (int rank = 0; rank < workload.pods().size(); rank++) {
      PodDemand pod = workload.pods().get(rank);
      if (empty.stream().noneMatch(node -> node.fits(pod))) {
        return Optional.of(
            "pod "
                + rank
                + " needs "
                + pod.amounts()
                + ", more than any node offers"
                + largestNode(empty));
      }
    }
    return Optional.empty();
  }

  private static String largestNode(List<NodeState> empty) {
    NodeState largest = null;
    for (NodeState node : empty) {
      if (largest == null
          || node.gpuCount() > largest.gpuCount()
          || (node.gpuCount() == largest.gpuCount()
              && node.spec().cpuMillis() > largest.spec().cpuMillis())) {
        largest = node;
      }
    }
    return largest == null
        ? " (the cluster has no nodes)"
        : " (largest node " + largest.name() + " has " + largest.spec().capacity() + ")";
  }
}
