package io.capstan.server.admission;

import io.capstan.api.job.Resources;
import io.capstan.runtime.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable snapshot of the nodes and of what is already held on them.
 *
 * @param nodes the nodes
 * @param used resources held per node name
 * @param usedGpus GPU indices held per node name
 */
public record ClusterState(
    List<Node> nodes, Map<String, Resources> used, Map<String, Set<Integer>> usedGpus) {
  public ClusterState {
    nodes = List.copyOf(nodes);
    used = Map.copyOf(used);
    Map<String, Set<Integer>> copy = new HashMap<>();
    usedGpus.forEach((node, gpus) -> copy.put(node, Set.copyOf(gpus)));
    usedGpus = Map.copyOf(copy);
  }

  public static ClusterState empty(List<Node> nodes) {
    return new ClusterState(nodes, Map.of(), Map.of());
  }

  public Resources capacity() {
    Resources total = Resources.NONE;
    for (Node node : nodes) {
      total = total.add(node.capacity());
    }
    return total;
  }

  public Resources usedTotal() {
    Resources total = Resources.NONE;
    for (Resources resources : used.values()) {
      total = total.add(resources);
    }
    return total;
  }

  public Resources free(Node node) {
    return node.capacity().subtract(used.getOrDefault(node.name(), Resources.NONE));
  }

  /** GPU indices of {@code node} not held by anyone, lowest first. */
  public List<Integer> freeGpus(Node node) {
    Set<Integer> held = usedGpus.getOrDefault(node.name(), Set.of());
    List<Integer> free = new ArrayList<>();
    for (Node.Gpu gpu : node.gpus()) {
      if (!held.contains(gpu.index())) {
        free.add(gpu.index());
      }
    }
    if (node.gpus().isEmpty()) {
      // A configured capacity without a device list: indices 0..n-1.
      for (int i = 0; i < node.capacity().gpus(); i++) {
        if (!held.contains(i)) {
          free.add(i);
        }
      }
    }
    return free;
  }

  /** This state with {@code resources} and {@code gpus} also held on {@code node}. */
  public ClusterState hold(String node, Resources resources, List<Integer> gpus) {
    Map<String, Resources> nextUsed = new HashMap<>(used);
    nextUsed.merge(node, resources, Resources::add);
    Map<String, Set<Integer>> nextGpus = new HashMap<>(usedGpus);
    Set<Integer> held = new HashSet<>(nextGpus.getOrDefault(node, Set.of()));
    held.addAll(gpus);
    nextGpus.put(node, held);
    return new ClusterState(nodes, nextUsed, nextGpus);
  }
}
