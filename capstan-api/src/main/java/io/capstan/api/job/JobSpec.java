package io.capstan.api.job;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * A validated training job, whatever format it was written in (Capstan's own, Kubeflow's PyTorchJob
 * or TFJob, Kubeflow Trainer's TrainJob, the MPI Operator's MPIJob).
 *
 * @param name job name, unique in its project (DNS-1123 label)
 * @param framework whose rendezvous environment is injected
 * @param sourceKind the kind it was submitted as: {@code TrainingJob}, {@code PyTorchJob}, ...
 * @param replicaGroups the replica groups, in rank order
 * @param backoffLimit restarts allowed before the job fails
 * @param activeDeadlineSeconds seconds the job may run before it fails, or null
 * @param ttlSecondsAfterFinished seconds a finished job and its logs are kept, or null for ever
 * @param labels free-form labels
 * @param priority scheduling priority: higher runs first and may preempt lower (absent means 0,
 *     {@link PriorityClass#NORMAL})
 * @param registerModel the output to register as a model version on success, or null
 */
public record JobSpec(
    String name,
    Framework framework,
    String sourceKind,
    List<ReplicaGroupSpec> replicaGroups,
    int backoffLimit,
    Long activeDeadlineSeconds,
    Long ttlSecondsAfterFinished,
    Map<String, String> labels,
    Integer priority,
    ModelOutput registerModel) {
  public JobSpec {
    requireNonNull(name, "name is null");
    requireNonNull(framework, "framework is null");
    requireNonNull(sourceKind, "sourceKind is null");
    replicaGroups = List.copyOf(requireNonNull(replicaGroups, "replicaGroups is null"));
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    priority = priority == null ? PriorityClass.NORMAL.value() : priority;
  }

  /** A spec without a declared model output. */
  public JobSpec(
      String name,
      Framework framework,
      String sourceKind,
      List<ReplicaGroupSpec> replicaGroups,
      int backoffLimit,
      Long activeDeadlineSeconds,
      Long ttlSecondsAfterFinished,
      Map<String, String> labels,
      Integer priority) {
    this(
        name,
        framework,
        sourceKind,
        replicaGroups,
        backoffLimit,
        activeDeadlineSeconds,
        ttlSecondsAfterFinished,
        labels,
        priority,
        null);
  }

  public int replicaCount() {
    return replicaGroups.stream().mapToInt(ReplicaGroupSpec::count).sum();
  }

  /** Sum of the resources of all replicas. */
  public Resources totalResources() {
    Resources total = Resources.NONE;
    for (ReplicaGroupSpec group : replicaGroups) {
      total = total.add(group.resources().times(group.count()));
    }
    return total;
  }

  public JobSpec withName(String newName) {
    return new JobSpec(
        newName,
        framework,
        sourceKind,
        replicaGroups,
        backoffLimit,
        activeDeadlineSeconds,
        ttlSecondsAfterFinished,
        labels,
        priority,
        registerModel);
  }
}
