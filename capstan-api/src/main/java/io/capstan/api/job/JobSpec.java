package io.capstan.api.job;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated training job, whatever format it was written in (Capstan's own, Kubeflow's PyTorchJob
 * or TFJob, Kubeflow Trainer's TrainJob, the MPI Operator's MPIJob). Build one with {@link
 * #builder}; every fact Capstan acts on is a typed component, never a label.
 *
 * @param name job name, unique in its project (DNS-1123 label)
 * @param framework whose rendezvous environment is injected
 * @param sourceKind the kind it was submitted as: {@code TrainingJob}, {@code PyTorchJob}, ...
 * @param replicaGroups the replica groups, in rank order
 * @param backoffLimit restarts allowed before the job fails ({@link #NO_BACKOFF_LIMIT}: no limit)
 * @param activeDeadlineSeconds seconds the job may run before it fails, or null
 * @param ttlSecondsAfterFinished seconds a finished job and its logs are kept, or null for ever
 * @param labels free-form labels
 * @param priority scheduling priority: higher runs first and may preempt lower (absent means 0,
 *     {@link PriorityClass#NORMAL})
 * @param registerModel the output to register as a model version on success, or null
 * @param processesPerNode processes each PyTorch replica's torchrun starts (Kubeflow's {@code
 *     nprocPerNode}; null means 1): the replica is one node of {@code processesPerNode} ranks
 * @param successPolicy when the job has succeeded (TFJob's {@code successPolicy}; null means {@link
 *     JobSuccessPolicy#DEFAULT})
 * @param mpi an MPI job's layout of ranks over hosts, null for other jobs
 * @param ignoredFields fields of the submitted document that Capstan accepted but does not act on
 *     (a pod template's volumes, node selector, security context, a second container...), by their
 *     path in the document: said to the user in the job's status warnings, never dropped silently
 * @param elastic a PyTorchJob's elastic policy (its nodes meet through a torchrun rendezvous), or
 *     null for a job of fixed size
 * @param nprocPerNode torchrun's {@code PET_NPROC_PER_NODE} as Kubeflow sets it ({@code auto} or a
 *     number), or null for {@code processesPerNode}
 * @param datasets the dataset versions every replica sees read-only (the annotation {@value
 *     DatasetMount#ANNOTATION}, or {@code spec.datasets} of a TrainingJob)
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
    Integer processesPerNode,
    JobSuccessPolicy successPolicy,
    MpiLayout mpi,
    List<String> ignoredFields,
    ElasticPolicy elastic,
    String nprocPerNode,
    List<DatasetMount> datasets) {
  /**
   * The {@code backoffLimit} of a Kubeflow v1 job that sets none: the Training Operator then
   * restarts failed replicas without limit.
   */
  public static final int NO_BACKOFF_LIMIT = Integer.MAX_VALUE;

  /** The most processes one replica may start. */
  public static final int MAX_PROCESSES_PER_NODE = 64;

  /** Labels that carried typed facts before version 0.1's workload core; read, then dropped. */
  private static final String LEGACY_SUCCESS_POLICY = "capstan.io/success-policy";

  private static final String LEGACY_MPI_SLOTS = "capstan.io/mpi-slots-per-worker";
  private static final String LEGACY_MPI_LAUNCHER_RANKS = "capstan.io/mpi-launcher-as-worker";

  public JobSpec {
    requireNonNull(name, "name is null");
    requireNonNull(framework, "framework is null");
    requireNonNull(sourceKind, "sourceKind is null");
    replicaGroups = List.copyOf(requireNonNull(replicaGroups, "replicaGroups is null"));
    ignoredFields = ignoredFields == null ? List.of() : List.copyOf(ignoredFields);
    datasets = datasets == null ? List.of() : List.copyOf(datasets);
    Map<String, String> given = labels == null ? Map.of() : labels;
    priority = priority == null ? PriorityClass.NORMAL.value() : priority;
    processesPerNode = processesPerNode == null ? 1 : processesPerNode;
    if (processesPerNode < 1 || processesPerNode > MAX_PROCESSES_PER_NODE) {
      throw new IllegalArgumentException(
          "expected processesPerNode to be from 1 to "
              + MAX_PROCESSES_PER_NODE
              + ", but was "
              + processesPerNode);
    }
    // A spec stored before these facts were typed carried them as labels.
    if (successPolicy == null) {
      successPolicy =
          "AllWorkers".equals(given.get(LEGACY_SUCCESS_POLICY))
              ? JobSuccessPolicy.ALL_WORKERS
              : JobSuccessPolicy.DEFAULT;
    }
    if (mpi == null && framework == Framework.MPI) {
      String slots = given.get(LEGACY_MPI_SLOTS);
      mpi =
          new MpiLayout(
              slots == null ? 1 : Integer.parseInt(slots),
              "true".equals(given.get(LEGACY_MPI_LAUNCHER_RANKS)));
    }
    Map<String, String> kept = new LinkedHashMap<>(given);
    kept.keySet()
        .removeAll(List.of(LEGACY_SUCCESS_POLICY, LEGACY_MPI_SLOTS, LEGACY_MPI_LAUNCHER_RANKS));
    labels = Map.copyOf(kept);
  }

  /** A builder of a spec with these required values; the rest default as documented. */
  public static Builder builder(String name, Framework framework, String sourceKind) {
    return new Builder(name, framework, sourceKind);
  }

  /** A builder holding this spec's values. */
  public Builder toBuilder() {
    return new Builder(name, framework, sourceKind)
        .replicaGroups(replicaGroups)
        .backoffLimit(backoffLimit)
        .activeDeadlineSeconds(activeDeadlineSeconds)
        .ttlSecondsAfterFinished(ttlSecondsAfterFinished)
        .labels(labels)
        .priority(priority)
        .registerModel(registerModel)
        .processesPerNode(processesPerNode)
        .successPolicy(successPolicy)
        .mpi(mpi)
        .elastic(elastic)
        .nprocPerNode(nprocPerNode)
        .datasets(datasets);
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
    return new Builder(newName, framework, sourceKind).from(this).build();
  }

  /** Builds a {@link JobSpec}. */
  public static final class Builder {
    private final String name;
    private final Framework framework;
    private final String sourceKind;
    private List<ReplicaGroupSpec> replicaGroups = List.of();
    private int backoffLimit;
    private Long activeDeadlineSeconds;
    private Long ttlSecondsAfterFinished;
    private Map<String, String> labels = Map.of();
    private Integer priority;
    private ModelOutput registerModel;
    private Integer processesPerNode;
    private JobSuccessPolicy successPolicy;
    private MpiLayout mpi;
    private List<String> ignoredFields = List.of();
    private ElasticPolicy elastic;
    private String nprocPerNode;
    private List<DatasetMount> datasets = List.of();

    private Builder(String name, Framework framework, String sourceKind) {
      this.name = name;
      this.framework = framework;
      this.sourceKind = sourceKind;
    }

    private Builder from(JobSpec spec) {
      return replicaGroups(spec.replicaGroups)
          .backoffLimit(spec.backoffLimit)
          .activeDeadlineSeconds(spec.activeDeadlineSeconds)
          .ttlSecondsAfterFinished(spec.ttlSecondsAfterFinished)
          .labels(spec.labels)
          .priority(spec.priority)
          .registerModel(spec.registerModel)
          .processesPerNode(spec.processesPerNode)
          .successPolicy(spec.successPolicy)
          .mpi(spec.mpi)
          .ignoredFields(spec.ignoredFields)
          .elastic(spec.elastic)
          .nprocPerNode(spec.nprocPerNode)
          .datasets(spec.datasets);
    }

    public Builder replicaGroups(List<ReplicaGroupSpec> value) {
      replicaGroups = value;
      return this;
    }

    public Builder backoffLimit(int value) {
      backoffLimit = value;
      return this;
    }

    public Builder activeDeadlineSeconds(Long value) {
      activeDeadlineSeconds = value;
      return this;
    }

    public Builder ttlSecondsAfterFinished(Long value) {
      ttlSecondsAfterFinished = value;
      return this;
    }

    public Builder labels(Map<String, String> value) {
      labels = value;
      return this;
    }

    public Builder priority(Integer value) {
      priority = value;
      return this;
    }

    public Builder registerModel(ModelOutput value) {
      registerModel = value;
      return this;
    }

    public Builder processesPerNode(Integer value) {
      processesPerNode = value;
      return this;
    }

    public Builder successPolicy(JobSuccessPolicy value) {
      successPolicy = value;
      return this;
    }

    public Builder mpi(MpiLayout value) {
      mpi = value;
      return this;
    }

    public Builder ignoredFields(List<String> value) {
      ignoredFields = value;
      return this;
    }

    public Builder elastic(ElasticPolicy value) {
      elastic = value;
      return this;
    }

    public Builder datasets(List<DatasetMount> value) {
      datasets = value;
      return this;
    }

    public Builder nprocPerNode(String value) {
      nprocPerNode = value;
      return this;
    }

    public JobSpec build() {
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
          processesPerNode,
          successPolicy,
          mpi,
          ignoredFields,
          elastic,
          nprocPerNode,
          datasets);
    }
  }
}
