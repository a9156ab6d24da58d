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
 * @param processesPerNode processes each PyTorch replica's torchrun starts (Kubeflow's {@code
 *     nprocPerNode}; null means 1): the replica is one node of {@code processesPerNode} ranks
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
    ModelOutput registerModel,
    Integer processesPerNode) {
  /** The most processes one replica may start. */
  public static final int MAX_PROCESSES_PER_NODE = 64;

  public JobSpec {
    requireNonNull(name, "name is null");
    requireNonNull(framework, "framework is null");
    requireNonNull(sourceKind, "sourceKind is null");
    replicaGroups = List.copyOf(requireNonNull(replicaGroups, "replicaGroups is null"));
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    priority = priority == null ? PriorityClass.NORMAL.value() : priority;
    processesPerNode = processesPerNode == null ? 1 : processesPerNode;
    if (processesPerNode < 1 || processesPerNode > MAX_PROCESSES_PER_NODE) {
      throw new IllegalArgumentException(
          "expected processesPerNode to be from 1 to "
              + MAX_PROCESSES_PER_NODE
              + ", but was "
              + processesPerNode);
    }
  }

  /** A spec whose replicas each run one process. */
  public JobSpec(
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
        registerModel,
        1);
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
        null,
        1);
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
        registerModel,
        processesPerNode);
  }

  public JobSpec withProcessesPerNode(int processes) {
    return new JobSpec(
        name,
        framework,
        sourceKind,
        replicaGroups,
        backoffLimit,
        activeDeadlineSeconds,
        ttlSecondsAfterFinished,
        labels,
        priority,
        registerModel,
        processes);
  }
}
