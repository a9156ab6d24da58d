package io.capstan.scheduler;

import static java.util.Objects.requireNonNull;

import io.capstan.scheduler.cluster.PodDemand;
import io.capstan.scheduler.cluster.ResourceAmounts;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * A workload's pods as an immutable list that keeps their total and its hash: a cycle asks both of
 * every pending workload several times, and the memos of placements, verdicts and failed searches
 * are keyed by pods.
 */
final class GangPods extends AbstractList<PodDemand> implements RandomAccess {
  private final PodDemand[] pods;
  private final ResourceAmounts total;
  private final int hash;

  private GangPods(PodDemand[] pods) {
    this.pods = pods;
    ResourceAmounts sum = ResourceAmounts.ZERO;
    int listHash = 1;
    for (PodDemand pod : pods) {
      sum = sum.add(requireNonNull(pod, "pod is null").amounts());
      listHash = 31 * listHash + pod.hashCode();
    }
    this.total = sum;
    this.hash = listHash;
  }

  /** {@code pods} itself when it is one already, else a copy. */
  static GangPods of(List<PodDemand> pods) {
    return pods instanceof GangPods gang ? gang : new GangPods(pods.toArray(new PodDemand[0]));
  }

  ResourceAmounts total() {
    return total;
  }

  @Override
  public PodDemand get(int index) {
    return pods[index];
  }

  @Override
  public int size() {
    return pods.length;
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public boolean equals(Object other) {
    if (other == this) {
      return true;
    }
    if (!(other instanceof GangPods gang)) {
      return super.equals(other);
    }
    if (gang.hash != hash || gang.pods.length != pods.length) {
      return false;
    }
    // Field by field: memos compare the pods of thousands of workloads with the same shape.
    for (int i = 0; i < pods.length; i++) {
      PodDemand a = pods[i];
      PodDemand b = gang.pods[i];
      if (a != b
          && (a.cpuMillis() != b.cpuMillis()
              || a.memoryBytes() != b.memoryBytes()
              || a.gpus() != b.gpus()
              || a.gpuMilli() != b.gpuMilli())) {
        return false;
      }
    }
    return true;
  }
}
