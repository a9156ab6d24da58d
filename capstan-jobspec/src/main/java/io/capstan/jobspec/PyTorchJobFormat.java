package io.capstan.jobspec;

import static java.util.Objects.requireNonNull;

import io.capstan.api.job.Framework;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.ReplicaGroupSpec;
import io.capstan.api.job.ReplicaRole;
import io.capstan.api.job.RestartPolicy;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Kubeflow's {@code kubeflow.org/v1 PyTorchJob}, accepted as it is applied to a cluster: replica
 * types {@code Master} and {@code Worker}, the container named {@code pytorch} (else the first).
 *
 * <p>Capstan runs one process per replica, so {@code nprocPerNode} (and the older {@code
 * elasticPolicy.nProcPerNode}) must be absent, 1 or {@code auto}; the rest of {@code elasticPolicy}
 * is ignored.
 */
final class PyTorchJobFormat implements SpecFormat {
  static final String KIND = "PyTorchJob";

  private static final KubeflowReplicaSpecs REPLICA_SPECS =
      new KubeflowReplicaSpecs(
          "pytorchReplicaSpecs",
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
    ProcessesPerNode.checkOne(spec, "nprocPerNode");
    SpecMap elasticPolicy = spec.optionalMap("elasticPolicy");
    if (elasticPolicy != null) {
      ProcessesPerNode.checkOne(elasticPolicy, "nProcPerNode");
    }
    List<ReplicaGroupSpec> groups = REPLICA_SPECS.read(spec);
    return KubeflowRunPolicy.job(
        root, spec, metadata.name(), Framework.PYTORCH, KIND, groups, metadata.labels());
  }
}
