package io.capstan.runtime.kubernetes;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nodes the cloud took back, from the node informer: a spot node deleted (whether it went
 * NotReady first or not), or any node given a termination taint. Remembered for {@link #KEPT}, in
 * memory; a node of that name that joins again untainted is forgotten at once.
 */
final class NodeReclaims implements ResourceEventHandler<Node> {
  private static final Logger log = LoggerFactory.getLogger(NodeReclaims.class);

  /** How long a reclaimed node is remembered: far longer than a job controller takes to look. */
  static final Duration KEPT = Duration.ofHours(1);

  private final KubernetesNodes nodes;
  private final Clock clock;
  private final Map<String, Instant> reclaimed = new ConcurrentHashMap<>();

  NodeReclaims(KubernetesNodes nodes, Clock clock) {
    this.nodes = requireNonNull(nodes, "nodes is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** The nodes taken back within {@link #KEPT}, by name. */
  Set<String> reclaimed() {
    Instant oldest = clock.instant().minus(KEPT);
    reclaimed.values().removeIf(at -> at.isBefore(oldest));
    return new TreeSet<>(reclaimed.keySet());
  }

  @Override
  public void onAdd(Node node) {
    if (nodes.beingTakenBack(node)) {
      reclaim(node, "has a termination taint");
    } else {
      reclaimed.remove(node.getMetadata().getName());
    }
  }

  @Override
  public void onUpdate(Node oldNode, Node newNode) {
    if (nodes.beingTakenBack(newNode)) {
      reclaim(newNode, "has a termination taint");
    }
  }

  @Override
  public void onDelete(Node node, boolean deletedFinalStateUnknown) {
    if (nodes.spot(node)) {
      reclaim(node, "a spot node, was deleted");
    }
  }

  private void reclaim(Node node, String why) {
    String name = node.getMetadata().getName();
    if (reclaimed.putIfAbsent(name, clock.instant()) == null) {
      log.info("Node {} {}: the cloud is taking it back; its jobs go back to the queue", name, why);
    }
  }
}
