package io.capstan.server.job;

import io.capstan.api.job.ElasticPolicy;
import io.capstan.api.job.Framework;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.ReplicaGroupSpec;
import io.capstan.api.job.ReplicaRole;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * The rendezvous environment of each replica, as Kubeflow injects it: PyTorch's {@code
 * MASTER_ADDR}/{@code MASTER_PORT}/{@code WORLD_SIZE}/{@code RANK} (the Training Operator's, for a
 * script started directly) and torchrun's {@code PET_NNODES}/{@code PET_NPROC_PER_NODE}/{@code
 * PET_NODE_RANK}/{@code PET_MASTER_ADDR}/{@code PET_MASTER_PORT} (Trainer's torch-distributed
 * runtime's, for a script started by torchrun, which reads them as its flags' defaults), and
 * TensorFlow's {@code TF_CONFIG}.
 *
 * <p>Every PyTorch job gets both sets, whatever its kind. Each replica is one node: with one
 * process per node the two agree (torchrun's workers get {@code RANK} and {@code WORLD_SIZE} from
 * torchrun itself, the same numbers); with {@link JobSpec#processesPerNode} above 1, {@code
 * WORLD_SIZE} counts every process and {@code RANK} is the node's, as the Training Operator sets
 * them, and the replica's command must start torchrun, which starts the processes and gives each
 * its own rank.
 *
 * <p>torchrun's {@code PET_NPROC_PER_NODE} is {@link JobSpec#nprocPerNode} where the job sets it
 * ({@code auto} for a PyTorchJob that sets none, the Training Operator's default since v1.7:
 * torchrun then starts one process per visible GPU, or per CPU of the host), else {@link
 * JobSpec#processesPerNode}.
 *
 * <p>An elastic PyTorchJob ({@link JobSpec#elastic}) gets what the Training Operator injects for
 * one (its {@code pkg/controller.v1/pytorch/elastic.go}, v1.8): {@code PET_RDZV_ENDPOINT} worker
 * 0's endpoint, {@code PET_RDZV_BACKEND}, {@code PET_NNODES} as {@code min:max}, and {@code
 * PET_MAX_RESTARTS}, {@code PET_RDZV_ID}, {@code PET_RDZV_CONF} and {@code PET_STANDALONE} where
 * the policy sets them; the rendezvous then ranks the nodes, so the fixed-size variables are left
 * out ({@code PET_NODE_RANK}, {@code PET_MASTER_ADDR}/{@code PET_MASTER_PORT}, and, without a
 * Master, {@code MASTER_ADDR}/{@code MASTER_PORT}/{@code WORLD_SIZE}/{@code RANK}, as the operator
 * sets those for a Master only). On one machine each node's torchrun finds the rendezvous port
 * taken by the first one's store and joins it as a client (torch's c10d backend falls back so).
 *
 * <p>TensorFlow's {@code TF_CONFIG} is the operator's ({@code tensorflow.go}, v1.8): every replica
 * type in the cluster spec under its lowercased name ({@code master} stays {@code master}, and
 * evaluators are in it), and no {@code TF_CONFIG} at all for a job of one replica in total.
 *
 * <p>An MPI job's hostfile and variables are {@link MpiHosts}'.
 */
final class Rendezvous {
  private final JsonMapper json;

  Rendezvous(JsonMapper json) {
    this.json = json;
  }

  /** Replica names of a job in rank order (the order of its replica groups). */
  static List<Replica> replicas(JobSpec spec) {
    List<Replica> replicas = new ArrayList<>();
    for (ReplicaGroupSpec group : spec.replicaGroups()) {
      for (int i = 0; i < group.count(); i++) {
        replicas.add(new Replica(group.replicaName(i), group, i));
      }
    }
    return replicas;
  }

  /**
   * The framework variables of one replica.
   *
   * @param spec the job
   * @param replica the replica
   * @param endpoints {@code host:port} per replica name
   */
  Map<String, String> environment(JobSpec spec, Replica replica, Map<String, String> endpoints) {
    Map<String, String> env = new LinkedHashMap<>();
    if (spec.framework() == Framework.PYTORCH) {
      pytorch(spec, replica, endpoints, env);
    } else if (spec.framework() == Framework.TENSORFLOW && spec.replicaCount() > 1) {
      env.put("TF_CONFIG", tfConfig(spec, replica, endpoints));
    }
    return env;
  }

  private static void pytorch(
      JobSpec spec, Replica replica, Map<String, String> endpoints, Map<String, String> env) {
    List<Replica> ranked =
        replicas(spec).stream()
            .filter(r -> r.role() == ReplicaRole.MASTER || r.role() == ReplicaRole.WORKER)
            .toList();
    int rank = -1;
    for (int i = 0; i < ranked.size(); i++) {
      if (ranked.get(i).name().equals(replica.name())) {
        rank = i;
      }
    }
    ElasticPolicy elastic = spec.elastic();
    boolean hasMaster = ranked.get(0).role() == ReplicaRole.MASTER;
    String master = endpoints.get(ranked.get(0).name());
    int colon = master.lastIndexOf(':');
    int processes = spec.processesPerNode();
    if (elastic == null || hasMaster) {
      env.put("MASTER_ADDR", master.substring(0, colon));
      env.put("MASTER_PORT", master.substring(colon + 1));
      env.put("WORLD_SIZE", Integer.toString(ranked.size() * processes));
      env.put("RANK", Integer.toString(Math.max(rank, 0)));
      env.put("LOCAL_RANK", "0");
    }
    env.put(
        "PET_NPROC_PER_NODE",
        spec.nprocPerNode() != null ? spec.nprocPerNode() : Integer.toString(processes));
    if (elastic != null) {
      elastic(spec, elastic, endpoints, env);
      return;
    }
    env.put("PET_NNODES", Integer.toString(ranked.size()));
    env.put("PET_NODE_RANK", Integer.toString(Math.max(rank, 0)));
    env.put("PET_MASTER_ADDR", env.get("MASTER_ADDR"));
    env.put("PET_MASTER_PORT", env.get("MASTER_PORT"));
  }

  /** The Training Operator's elastic variables: torchrun's rendezvous at worker 0. */
  private static void elastic(
      JobSpec spec, ElasticPolicy elastic, Map<String, String> endpoints, Map<String, String> env) {
    String workerZero =
        replicas(spec).stream()
            .filter(r -> r.role() == ReplicaRole.WORKER)
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("an elastic job without workers"))
            .name();
    env.put("PET_RDZV_ENDPOINT", endpoints.get(workerZero));
    env.put("PET_RDZV_BACKEND", elastic.rdzvBackend());
    env.put("PET_NNODES", elastic.nnodes());
    if (elastic.maxRestarts() != null) {
      env.put("PET_MAX_RESTARTS", Integer.toString(elastic.maxRestarts()));
    }
    if (elastic.rdzvId() != null) {
      env.put("PET_RDZV_ID", elastic.rdzvId());
    }
    if (elastic.rdzvConfText() != null) {
      env.put("PET_RDZV_CONF", elastic.rdzvConfText());
    }
    if (elastic.standalone()) {
      env.put("PET_STANDALONE", "1");
    }
  }

  private String tfConfig(JobSpec spec, Replica replica, Map<String, String> endpoints) {
    Map<String, List<String>> cluster = new LinkedHashMap<>();
    for (Replica peer : replicas(spec)) {
      cluster
          .computeIfAbsent(tfType(peer.role()), k -> new ArrayList<>())
          .add(endpoints.get(peer.name()));
    }
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("cluster", cluster);
    config.put("task", Map.of("type", tfType(replica.role()), "index", replica.index()));
    config.put("environment", "cloud");
    return json.writeValueAsString(config);
  }

  private static String tfType(ReplicaRole role) {
    return role.wireName();
  }

  /** One replica of a job: its name, group and index within the group. */
  record Replica(String name, ReplicaGroupSpec group, int index) {
    ReplicaRole role() {
      return group.role();
    }
  }
}
