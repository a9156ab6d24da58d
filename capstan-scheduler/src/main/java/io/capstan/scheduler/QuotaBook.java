package io.capstan.scheduler;

import io.capstan.scheduler.cluster.ResourceAmounts;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Quota usage per queue and the cohort's lending and borrowing arithmetic (all queues form one
 * cohort); immutable, {@link #plus} and {@link #minus} return new books. Confined to one cycle's
 * thread: it remembers the amounts it computes.
 */
final class QuotaBook {
  private final Map<String, QueueSpec> queues;

  /** Each queue's position in {@link #usage}: shared by every book of a cycle. */
  private final Map<String, Integer> index;

  /** The specs by position, shared as {@link #index} is: read for every candidate of a cycle. */
  private final QueueSpec[] specs;

  private final ResourceAmounts[] usage;
  private final ResourceAmounts capacity;
  private final ResourceAmounts governed;

  /**
   * {@link #borrowable} per queue position, found when first asked: a cycle asks it for every
   * candidate, and it depends on every queue's usage, which this book never changes.
   */
  private final ResourceAmounts[] borrowable;

  private QuotaBook(
      Map<String, QueueSpec> queues,
      Map<String, Integer> index,
      QueueSpec[] specs,
      ResourceAmounts[] usage,
      ResourceAmounts capacity,
      ResourceAmounts governed) {
    this.queues = queues;
    this.index = index;
    this.specs = specs;
    this.usage = usage;
    this.capacity = capacity;
    this.governed = governed;
    this.borrowable = new ResourceAmounts[usage.length];
  }

  /** Usage from the running workloads; terminating ones still count until they are gone. */
  static QuotaBook of(
      Map<String, QueueSpec> queues,
      ResourceAmounts capacity,
      Collection<RunningWorkload> running) {
    Map<String, QueueSpec> specs = new TreeMap<>(queues);
    Map<String, Integer> index = new HashMap<>();
    ResourceAmounts[] usage = new ResourceAmounts[specs.size()];
    QueueSpec[] byIndex = new QueueSpec[specs.size()];
    ResourceAmounts nominalSum = ResourceAmounts.ZERO;
    for (QueueSpec spec : specs.values()) {
      usage[index.size()] = ResourceAmounts.ZERO;
      byIndex[index.size()] = spec;
      index.put(spec.name(), index.size());
      nominalSum = nominalSum.add(spec.nominal());
    }
    for (RunningWorkload workload : running) {
      Integer at = index.get(workload.workload().queue());
      if (at != null) {
        usage[at] = usage[at].add(workload.workload().total());
      }
    }
    // A dimension no queue has a nominal quota in (GPU-only quotas) is limited by the nodes alone.
    ResourceAmounts governed =
        new ResourceAmounts(
            nominalSum.cpuMillis() > 0 ? 1 : 0,
            nominalSum.memoryBytes() > 0 ? 1 : 0,
            nominalSum.gpuMilli() > 0 ? 1 : 0);
    return new QuotaBook(specs, index, byIndex, usage, capacity, governed);
  }

  QuotaBook plus(String queue, ResourceAmounts amount) {
    return withUsage(queue, usage(queue).add(amount));
  }

  QuotaBook minus(String queue, ResourceAmounts amount) {
    return withUsage(queue, usage(queue).subtract(amount));
  }

  private QuotaBook withUsage(String queue, ResourceAmounts amount) {
    Integer at = index.get(queue);
    if (at == null) {
      return this;
    }
    ResourceAmounts[] copy = usage.clone();
    copy[at] = amount;
    return new QuotaBook(queues, index, specs, copy, capacity, governed);
  }

  boolean hasQueue(String queue) {
    return index.containsKey(queue);
  }

  QueueSpec spec(String queue) {
    Integer at = index.get(queue);
    return at == null ? null : specs[at];
  }

  Collection<String> queueNames() {
    return queues.keySet();
  }

  ResourceAmounts usage(String queue) {
    Integer at = index.get(queue);
    return at == null ? ResourceAmounts.ZERO : usage[at];
  }

  /** {@code amount} with the dimensions that no quota governs set to 0. */
  ResourceAmounts governed(ResourceAmounts amount) {
    return new ResourceAmounts(
        amount.cpuMillis() * governed.cpuMillis(),
        amount.memoryBytes() * governed.memoryBytes(),
        amount.gpuMilli() * governed.gpuMilli());
  }

  /** Whether {@code demand} fits both the queue's ceiling and what the cohort can lend it. */
  boolean admits(String queue, ResourceAmounts demand) {
    Integer at = index.get(queue);
    if (at == null) {
      return withinCeiling(queue, demand) && cohortHasRoom(queue, demand);
    }
    // As withinCeiling and cohortHasRoom, dimension by dimension without allocating: a cycle asks
    // this several times for each of up to 100,000 candidates.
    QueueSpec spec = specs[at];
    ResourceAmounts used = usage[at];
    ResourceAmounts nominal = spec.nominal();
    ResourceAmounts limit = spec.borrowingLimit();
    ResourceAmounts room = borrowable(queue);
    return admits(
            used.cpuMillis() + demand.cpuMillis(),
            nominal.cpuMillis(),
            limit.cpuMillis(),
            room.cpuMillis(),
            governed.cpuMillis())
        && admits(
            used.memoryBytes() + demand.memoryBytes(),
            nominal.memoryBytes(),
            limit.memoryBytes(),
            room.memoryBytes(),
            governed.memoryBytes())
        && admits(
            used.gpuMilli() + demand.gpuMilli(),
            nominal.gpuMilli(),
            limit.gpuMilli(),
            room.gpuMilli(),
            governed.gpuMilli());
  }

  /** One dimension of {@link #admits}; {@code governed} is 1 when quota governs it, else 0. */
  private static boolean admits(
      long after, long nominal, long borrowingLimit, long borrowable, long governed) {
    return after * governed <= nominal + borrowingLimit
        && Math.max(0, after - nominal) * governed <= borrowable;
  }

  boolean withinCeiling(String queue, ResourceAmounts demand) {
    return governed(usage(queue).add(demand)).fitsIn(spec(queue).ceiling());
  }

  /** Whether the part of usage plus demand above the queue's nominal can be borrowed. */
  boolean cohortHasRoom(String queue, ResourceAmounts demand) {
    ResourceAmounts needed =
        governed(usage(queue).add(demand).subtract(spec(queue).nominal()).clampToZero());
    return needed.fitsIn(borrowable(queue));
  }

  /**
   * What the cohort can lend {@code queue} in all: unassigned capacity plus what the other queues
   * may lend of their unused nominal quota, minus what the other queues already borrow.
   */
  ResourceAmounts borrowable(String queue) {
    Integer at = index.get(queue);
    if (at == null) {
      return lendable(queue);
    }
    if (borrowable[at] == null) {
      borrowable[at] = lendable(queue);
    }
    return borrowable[at];
  }

  private ResourceAmounts lendable(String queue) {
    ResourceAmounts nominalSum = ResourceAmounts.ZERO;
    ResourceAmounts pool = ResourceAmounts.ZERO;
    for (QueueSpec other : queues.values()) {
      nominalSum = nominalSum.add(other.nominal());
      if (other.name().equals(queue)) {
        continue;
      }
      ResourceAmounts used = usage(other.name());
      ResourceAmounts unused = other.nominal().subtract(used).clampToZero();
      pool = pool.add(other.lendingLimit().min(unused)).subtract(borrowed(other.name()));
    }
    ResourceAmounts unassigned = capacity.subtract(nominalSum).clampToZero();
    return pool.add(unassigned).clampToZero();
  }

  /** What {@code queue} uses above its nominal quota. */
  ResourceAmounts borrowed(String queue) {
    return governed(usage(queue).subtract(spec(queue).nominal()).clampToZero());
  }

  /** Whether usage plus {@code demand} exceeds the queue's nominal quota in some dimension. */
  boolean wouldBorrow(String queue, ResourceAmounts demand) {
    Integer at = index.get(queue);
    if (at == null) {
      return !governed(demand).fitsIn(spec(queue).nominal());
    }
    // Without allocating: fair sharing asks this for every candidate.
    ResourceAmounts used = usage[at];
    ResourceAmounts nominal = specs[at].nominal();
    return (used.cpuMillis() + demand.cpuMillis()) * governed.cpuMillis() > nominal.cpuMillis()
        || (used.memoryBytes() + demand.memoryBytes()) * governed.memoryBytes()
            > nominal.memoryBytes()
        || (used.gpuMilli() + demand.gpuMilli()) * governed.gpuMilli() > nominal.gpuMilli();
  }

  boolean isBorrowing(String queue) {
    return wouldBorrow(queue, ResourceAmounts.ZERO);
  }

  /** Dominant-resource share of the cluster the queue uses, divided by its weight. */
  double weightedShare(String queue) {
    return usage(queue).dominantShare(capacity) / spec(queue).weight();
  }
}
