package io.capstan.jobspec;

import io.capstan.api.job.ElasticPolicy;
import io.capstan.api.job.ReplicaGroupSpec;
import io.capstan.api.job.ReplicaRole;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a PyTorchJob's {@code spec.elasticPolicy} as the Training Operator (v1.7 to v1.9) defaults
 * and validates it: {@code rdzvBackend} {@code c10d} when absent; {@code minReplicas} and {@code
 * maxReplicas} each the other when one is absent, the Worker replicas when both are.
 *
 * <p>Refused, naming the field: the {@code etcd} and {@code etcd-v2} backends (no etcd server runs
 * on one machine), a policy without Worker replicas (the rendezvous is on worker 0, as in the
 * operator), a job whose nodes are not between {@code minReplicas} and {@code maxReplicas} (Capstan
 * starts the declared replicas and never scales them, so the rendezvous would never close), and
 * {@code nProcPerNode} together with {@code spec.nprocPerNode} (the operator's webhook refuses it
 * too). Accepted with a warning: {@code rdzvHost} and {@code rdzvPort} (the rendezvous is worker
 * 0's endpoint, which Capstan chooses on one machine), {@code metrics} (the operator's autoscaler;
 * Capstan runs the declared replicas) and unknown fields.
 */
final class KubeflowElasticPolicy {
  static final String NPROC_PER_NODE = "nProcPerNode";

  private static final Set<String> READ =
      Set.of(
          "minReplicas",
          "maxReplicas",
          "rdzvBackend",
          "rdzvId",
          "rdzvConf",
          "maxRestarts",
          "standalone",
          NPROC_PER_NODE);

  private static final Map<String, String> IGNORED =
      Map.of(
          "rdzvHost",
          " (the rendezvous runs at worker 0's endpoint, which Capstan chooses on one machine)",
          "rdzvPort",
          " (the rendezvous runs at worker 0's endpoint, which Capstan chooses on one machine)",
          "metrics",
          " (no autoscaling: the job runs its declared Worker replicas)");

  private KubeflowElasticPolicy() {}

  /** The policy of {@code policy} for a job of {@code groups}. */
  static ElasticPolicy read(SpecMap policy, List<ReplicaGroupSpec> groups, FieldPath replicaSpecs) {
    ReplicaGroupSpec workers =
        groups.stream().filter(g -> g.role() == ReplicaRole.WORKER).findFirst().orElse(null);
    if (workers == null) {
      FieldPath worker = replicaSpecs.child("Worker");
      throw worker.invalid(
          "Expected "
              + worker
              + " to be set for an elastic PyTorchJob (its rendezvous runs on worker 0), but it"
              + " is missing");
    }
    policy.optionalOneOf(
        "rdzvBackend",
        List.of(ElasticPolicy.C10D),
        " (etcd and etcd-v2 need an etcd server, which does not run on one machine)");
    Long min = policy.optionalLong("minReplicas", 1, ReplicaLimits.MAX_PER_JOB);
    Long max = policy.optionalLong("maxReplicas", 1, ReplicaLimits.MAX_PER_JOB);
    int minReplicas = (int) (min != null ? min : max != null ? max : workers.count());
    int maxReplicas = (int) (max != null ? max : min != null ? min : workers.count());
    if (minReplicas > maxReplicas) {
      throw policy
          .pathOf("minReplicas")
          .invalid(
              "Expected "
                  + policy.pathOf("minReplicas")
                  + " to be at most maxReplicas ("
                  + maxReplicas
                  + "), but was "
                  + minReplicas);
    }
    int nodes = groups.stream().mapToInt(ReplicaGroupSpec::count).sum();
    if (nodes < minReplicas || nodes > maxReplicas) {
      throw policy
          .path()
          .invalid(
              "Expected the job's "
                  + nodes
                  + " replicas to be between "
                  + policy.pathOf("minReplicas")
                  + " ("
                  + minReplicas
                  + ") and "
                  + policy.pathOf("maxReplicas")
                  + " ("
                  + maxReplicas
                  + "): Capstan starts the declared replicas and does not scale them, so the"
                  + " rendezvous would not close");
    }
    Long maxRestarts = policy.optionalLong("maxRestarts", 0, Integer.MAX_VALUE);
    ProcessesPerNode.read(policy, NPROC_PER_NODE);
    return new ElasticPolicy(
        minReplicas,
        maxReplicas,
        ElasticPolicy.C10D,
        policy.optionalScalarAsString("rdzvId"),
        rdzvConf(policy),
        maxRestarts == null ? null : maxRestarts.intValue(),
        Boolean.TRUE.equals(policy.optionalBoolean("standalone")));
  }

  /** The fields of {@code policy} that Capstan does not act on, with the reason. */
  static List<String> ignored(SpecMap policy) {
    return policy.values().keySet().stream()
        .filter(field -> !READ.contains(field))
        .map(
            field ->
                policy.pathOf(field).text()
                    + IGNORED.getOrDefault(field, " (not a field of the elastic policy)"))
        .toList();
  }

  private static Map<String, String> rdzvConf(SpecMap policy) {
    Map<String, String> conf = new LinkedHashMap<>();
    for (SpecMap entry : policy.optionalMapList("rdzvConf")) {
      String key = entry.requiredString("key");
      String value = entry.optionalScalarAsString("value");
      conf.put(key, value == null ? "" : value);
    }
    return conf;
  }
}
