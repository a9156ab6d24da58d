package io.capstan.jobspec;

import static java.util.Objects.requireNonNull;

import io.capstan.api.job.Framework;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.JobSuccessPolicy;
import io.capstan.api.job.ReplicaGroupSpec;
import io.capstan.api.job.ReplicaRole;
import io.capstan.api.job.RestartPolicy;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Kubeflow's {@code kubeflow.org/v1 TFJob}, accepted as it is applied to a cluster: replica types
 * {@code Chief} or the older {@code Master} (one of them, as the operator's webhook requires; a
 * {@code Master} stays {@code master} in {@code TF_CONFIG}, as the operator writes the lowercased
 * type), {@code PS}, {@code Worker} and {@code Evaluator}, the container named {@code tensorflow}
 * (else the first).
 *
 * <p>{@code spec.successPolicy: AllWorkers} becomes {@link JobSuccessPolicy#ALL_WORKERS}. {@code
 * runPolicy.backoffLimit} unset means no limit on restarts, as in the Training Operator.
 */
final class TFJobFormat implements SpecFormat {
  static final String KIND = "TFJob";
  static final String ALL_WORKERS = "AllWorkers";

  private static final KubeflowReplicaSpecs REPLICA_SPECS =
      new KubeflowReplicaSpecs(
          "tfReplicaSpecs",
          "tensorflow",
          List.of(
              new KubeflowReplicaSpecs.ReplicaType("Chief", ReplicaRole.CHIEF),
              new KubeflowReplicaSpecs.ReplicaType("Master", ReplicaRole.MASTER),
              new KubeflowReplicaSpecs.ReplicaType("PS", ReplicaRole.PS),
              new KubeflowReplicaSpecs.ReplicaType("Worker", ReplicaRole.WORKER),
              new KubeflowReplicaSpecs.ReplicaType("Evaluator", ReplicaRole.EVALUATOR)),
          RestartPolicy.NEVER);

  private final RandomGenerator random;

  TFJobFormat(RandomGenerator random) {
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
    List<ReplicaGroupSpec> groups = REPLICA_SPECS.read(spec);
    checkOneChief(spec.requiredMap("tfReplicaSpecs"));
    return KubeflowRunPolicy.job(
            root,
            spec,
            metadata.name(),
            Framework.TENSORFLOW,
            KIND,
            groups,
            metadata.labels(),
            JobSpec.NO_BACKOFF_LIMIT)
        .toBuilder()
        .successPolicy(
            allWorkersMustSucceed(spec) ? JobSuccessPolicy.ALL_WORKERS : JobSuccessPolicy.DEFAULT)
        .ignoredFields(REPLICA_SPECS.ignored(spec))
        .build();
  }

  /** A Chief and a Master together are refused, as by the operator's webhook. */
  private static void checkOneChief(SpecMap specs) {
    String chief = null;
    for (String key : specs.values().keySet()) {
      if (key.equalsIgnoreCase("Chief") || key.equalsIgnoreCase("Master")) {
        if (chief != null) {
          throw specs
              .pathOf(key)
              .invalid(
                  "Expected at most one Chief or Master in "
                      + specs.path()
                      + ", but found both '"
                      + chief
                      + "' and '"
                      + key
                      + "'");
        }
        chief = key;
      }
    }
  }

  private static boolean allWorkersMustSucceed(SpecMap spec) {
    String policy = spec.optionalString("successPolicy");
    if (policy == null || policy.isEmpty()) {
      return false;
    }
    if (policy.equals(ALL_WORKERS)) {
      return true;
    }
    throw spec.pathOf("successPolicy")
        .invalid("Expected spec.successPolicy to be '' or 'AllWorkers', but was '" + policy + "'");
  }
}
