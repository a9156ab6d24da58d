package io.capstan.server.job;

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
    } else if (spec.framework() == Framework.TENSORFLOW) {
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
    String master = endpoints.get(ranked.get(0).name());
    int colon = master.lastIndexOf(':');
    env.put("MASTER_ADDR", master.substring(0, colon));
    env.put("MASTER_PORT", master.substring(colon + 1));
    int processes = spec.processesPerNode();
    env.put("WORLD_SIZE", Integer.toString(ranked.size() * processes));
    env.put("RANK", Integer.toString(Math.max(rank, 0)));
    env.put("LOCAL_RANK", "0");
    env.put("PET_NNODES", Integer.toString(ranked.size()));
    env.put("PET_NODE_RANK", Integer.toString(Math.max(rank, 0)));
    env.put("PET_NPROC_PER_NODE", Integer.toString(processes));
    env.put("PET_MASTER_ADDR", env.get("MASTER_ADDR"));
    env.put("PET_MASTER_PORT", env.get("MASTER_PORT"));
  }

  private String tfConfig(JobSpec spec, Replica replica, Map<String, String> endpoints) {
    Map<String, List<String>> cluster = new LinkedHashMap<>();
    for (Replica peer : replicas(spec)) {
      if (peer.role() == ReplicaRole.EVALUATOR) {
        continue; // Evaluators are not part of the TensorFlow cluster.
      }
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
    return role == ReplicaRole.MASTER ? "chief" : role.wireName();
  }

  /** One replica of a job: its name, group and index within the group. */
  record Replica(String name, ReplicaGroupSpec group, int index) {
    ReplicaRole role() {
      return group.role();
    }
  }
}
