package io.capstan.jobspec;

import static java.util.Objects.requireNonNull;

import io.capstan.api.job.ElasticPolicy;
import io.capstan.api.job.Framework;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.ReplicaGroupSpec;
import io.capstan.api.job.ReplicaRole;
import io.capstan.api.job.RestartPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Kubeflow's {@code kubeflow.org/v1 PyTorchJob}, accepted as it is applied to a cluster: replica
 * types {@code Master} and {@code Worker}, the container named {@code pytorch} (else the first).
 *
 * <p>{@code nprocPerNode} (or, where it is absent, the older {@code elasticPolicy.nProcPerNode}) is
 * the number of processes each replica's torchrun starts (see {@link ProcessesPerNode}); as in
 * Kubeflow, the replica's command must start torchrun for that to happen. When neither is set,
 * torchrun gets {@code PET_NPROC_PER_NODE=auto}, the Training Operator's default since v1.7 (its
 * {@code WORLD_SIZE} then counts one process per replica, as the operator's does).
 *
 * <p>{@code elasticPolicy} makes the job elastic, read by {@link KubeflowElasticPolicy}. {@code
 * runPolicy.backoffLimit} unset means no limit on restarts, as in the Training Operator.
 */
final class PyTorchJobFormat implements SpecFormat {
  static final String KIND = "PyTorchJob";

  /** torchrun's processes per node when a PyTorchJob sets none (Training Operator v1.7+). */
  static final String AUTO = "auto";

  private static final String NPROC_PER_NODE = "nprocPerNode";
  private static final String REPLICA_SPECS_FIELD = "pytorchReplicaSpecs";

  private static final KubeflowReplicaSpecs REPLICA_SPECS =
      new KubeflowReplicaSpecs(
          REPLICA_SPECS_FIELD,
          "pytorch",
          List.of(
              new KubeflowReplicaSpecs.ReplicaType("Master", ReplicaRole.MASTER),
              new KubeflowReplicaSpecs.ReplicaType("Worker", ReplicaRole.WORKER)),
          RestartPolicy.ON_FAILURE);

  private final RandomGenerator random;

  PyTorchJobFormat(RandomGenerator random) {
    this.random = requireNonNull(random, "random is null");
  }

  @Override
  public String apiVersion() {
    return "kubeflow.org/v1";
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public JobSpec parse(Map<String, Object> document) {
    SpecMap root = SpecMap.of(document, FieldPath.ROOT);
    JobMetadata metadata = JobMetadata.read(root, false, random);
    SpecMap spec = root.requiredMap("spec");
    SpecMap elasticPolicy = spec.optionalMap("elasticPolicy");
    SpecMap processesFrom = processesFrom(spec, elasticPolicy);
    String key = spec.has(NPROC_PER_NODE) ? NPROC_PER_NODE : KubeflowElasticPolicy.NPROC_PER_NODE;
    List<ReplicaGroupSpec> groups = REPLICA_SPECS.read(spec);
    ElasticPolicy elastic =
        elasticPolicy == null
            ? null
            : KubeflowElasticPolicy.read(elasticPolicy, groups, spec.pathOf(REPLICA_SPECS_FIELD));
    List<String> ignored = new ArrayList<>(REPLICA_SPECS.ignored(spec));
    if (elasticPolicy != null) {
      ignored.addAll(KubeflowElasticPolicy.ignored(elasticPolicy));
    }
    return KubeflowRunPolicy.job(
            root,
            spec,
            metadata.name(),
            Framework.PYTORCH,
            KIND,
            groups,
            metadata.labels(),
            JobSpec.NO_BACKOFF_LIMIT)
        .toBuilder()
        .processesPerNode(processesFrom == null ? 1 : ProcessesPerNode.read(processesFrom, key))
        .nprocPerNode(
            processesFrom == null
                ? AUTO
                : SpecMap.scalarAsString(processesFrom.get(key), processesFrom.pathOf(key)))
        .elastic(elastic)
        .ignoredFields(ignored)
        .build();
  }

  /**
   * The map that sets the processes per node ({@code spec}, or the elastic policy's older field),
   * or null when neither does; both at once are refused, as the operator's webhook does.
   */
  private static SpecMap processesFrom(SpecMap spec, SpecMap elasticPolicy) {
    boolean elastic =
        elasticPolicy != null && elasticPolicy.has(KubeflowElasticPolicy.NPROC_PER_NODE);
    if (elastic && spec.has(NPROC_PER_NODE)) {
      FieldPath deprecated = elasticPolicy.pathOf(KubeflowElasticPolicy.NPROC_PER_NODE);
      throw deprecated.invalid(
          "Expected only one of "
              + spec.pathOf(NPROC_PER_NODE)
              + " and "
              + deprecated
              + " (deprecated) to be set, but both are");
    }
    return spec.has(NPROC_PER_NODE) ? spec : elastic ? elasticPolicy : null;
  }
}
