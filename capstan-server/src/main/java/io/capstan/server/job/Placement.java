package io.capstan.server.job;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the replicas of one attempt of a job run and how peers reach them, stored with the job so a
 * restarted control plane relaunches missing replicas with the same rendezvous.
 *
 * @param replicas per replica name, in rank order
 */
public record Placement(Map<String, ReplicaPlacement> replicas) {
  public static final Placement NONE = new Placement(Map.of());

  public Placement {
    replicas = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(replicas));
  }

  public ReplicaPlacement of(String replica) {
    return replicas.get(replica);
  }

  /** Same nodes and GPUs, new endpoints (a restart reserves fresh ports). */
  public Placement withEndpoints(Map<String, String> endpoints) {
    Map<String, ReplicaPlacement> next = new LinkedHashMap<>();
    replicas.forEach(
        (name, placement) ->
            next.put(
                name,
                new ReplicaPlacement(placement.node(), placement.gpus(), endpoints.get(name))));
    return new Placement(next);
  }

  /**
   * One replica's placement.
   *
   * @param node node name
   * @param gpus GPU indices on that node
   * @param endpoint {@code host:port} its peers reach it at, or null before reservation
   */
  public record ReplicaPlacement(String node, List<Integer> gpus, String endpoint) {
    public ReplicaPlacement {
      gpus = gpus == null ? List.of() : List.copyOf(gpus);
    }
  }
}
