package io.capstan.server.job;

import static java.util.Objects.requireNonNull;

import io.capstan.api.job.Resources;
import java.util.List;

/**
 * What one placed replica of a job holds on a node: its resources and GPU device indices.
 *
 * @param replica the replica's name
 * @param node the node it was placed on
 * @param gpus GPU device indices on that node
 * @param resources the replica's requested resources
 */
public record ReplicaHolding(String replica, String node, List<Integer> gpus, Resources resources) {
  public ReplicaHolding {
    requireNonNull(replica, "replica is null");
    requireNonNull(node, "node is null");
    gpus = List.copyOf(gpus);
    requireNonNull(resources, "resources is null");
  }
}
