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
 * <p>{@code nprocPerNode} (or, where it is absent, the older {@code elasticPolicy.nProcPerNode}) is
 * the number of processes each replica's torchrun starts (see {@link ProcessesPerNode}); as in
 * Kubeflow, the replica's command must start torchrun for that to happen. The rest of {@code
 * elasticPolicy} is ignored.
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
    int processes = ProcessesPerNode.read(spec, "nprocPerNode");
    SpecMap elasticPolicy = spec.optionalMap("elasticPolicy");
    if (elasticPolicy != null) {
      int elastic = ProcessesPerNode.read(elasticPolicy, "nProcPerNode");
      if (!spec.has("nprocPerNode")) {
        processes = elastic;
      }
    }
    List<ReplicaGroupSpec> groups = REPLICA_SPECS.read(spec);
    return KubeflowRunPolicy.job(
            root, spec, metadata.name(), Framework.PYTORCH, KIND, groups, metadata.labels())
        .toBuilder()
        .processesPerNode(processes)
        .ignoredFields(ignored(spec, elasticPolicy))
        .build();
  }

  /** The pod templates' ignored fields, and an elastic policy's beyond {@code nProcPerNode}. */
  private static List<String> ignored(SpecMap spec, SpecMap elasticPolicy) {
    List<String> ignored = new java.util.ArrayList<>(REPLICA_SPECS.ignored(spec));
    if (elasticPolicy != null) {
      for (String field : elasticPolicy.values().keySet()) {
        if (!field.equals("nProcPerNode")) {
          ignored.add(elasticPolicy.pathOf(field).text() + " (elastic training is not supported)");
        }
      }
    }
    return ignored;
  }
}
