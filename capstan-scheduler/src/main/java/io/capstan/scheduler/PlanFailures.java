package io.capstan.scheduler;

import java.util.HashSet;
import java.util.Set;

/**
 * Who found no preemption plan on a cycle's future snapshot as it is now: a failed plan fails again
 * with fewer preemptions left. A hopeless one, none even with every allowed victim gone, also fails
 * again after the snapshot only lost room while the allowed victims stayed the same or fewer.
 *
 * @param <K> what a plan depends on, besides the snapshot and the running workloads
 */
final class PlanFailures<K> {
  private final Set<K> failed = new HashSet<>();
  private final Set<K> hopeless = new HashSet<>();

  boolean contains(K key) {
    return hopeless.contains(key) || failed.contains(key);
  }

  void add(K key, boolean isHopeless) {
    (isHopeless ? hopeless : failed).add(key);
  }

  /** The snapshot lost room and no victim became allowed: hopeless failures still hold. */
  void lostRoom() {
    failed.clear();
  }

  /** The snapshot or the victims changed in any other way: no failure holds. */
  void changed() {
    failed.clear();
    hopeless.clear();
  }
}
