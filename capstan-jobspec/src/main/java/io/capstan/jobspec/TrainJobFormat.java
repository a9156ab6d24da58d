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
 * Kubeflow Trainer's {@code trainer.kubeflow.org/v1alpha1 TrainJob} on the built-in {@code
 * torch-distributed} ClusterTrainingRuntime, accepted as it is applied to a cluster.
 *
 * <p>{@code spec.trainer} becomes one group of {@code numNodes} workers (default 1): node rank
 * {@code i} is {@code worker-i}, node 0 is the rendezvous master, and the job succeeds when every
 * node has, as a JobSet does. Restart policy {@code OnFailure} (JobSet's default for the runtime's
 * pods), backoffLimit 3 as for Capstan's other formats, {@code spec.activeDeadlineSeconds} where
 * set. Priority: Kueue's label {@value #KUEUE_PRIORITY_LABEL}, read as Kubeflow's priorityClass is
 * (see {@link JobPriority#ofClusterClass}).
 *
 * <p>Rejected, because ignoring them would change what the job does: another runtime (Capstan has
 * no TrainingRuntime objects, only the built-in {@code torch-distributed}); a dataset or model
 * initializer (nothing would download it); {@code suspend: true} without Kueue's queue label (the
 * job would start at once); torchrun's variables in {@code spec.trainer.env}, which the runtime
 * sets (Trainer refuses them too). {@code numProcPerNode} is the number of processes each node's
 * torchrun starts (see {@link ProcessesPerNode}).
 *
 * <p>Accepted and ignored: {@code suspend: true} with Kueue's queue label (Capstan's scheduler
 * admits the job, as Kueue would by unsuspending it); {@code managedBy} (Capstan manages the job
 * whichever controller is named); {@code runtimePatches}, the fields of {@code podSpecOverrides}
 * and {@code podTemplateOverrides} other than the nodes' volumes and their mounts (read by {@link
 * TrainJobOverrides}), and the {@code labels} and {@code annotations} of the derived JobSet: they
 * are listed in the job's {@code ignoredFields}, so its status warns of them, as of a PyTorchJob's
 * pod template fields; any other field, as Kubeflow's other formats.
 */
final class TrainJobFormat implements SpecFormat {
  static final String API_VERSION = "trainer.kubeflow.org/v1alpha1";
  static final String KIND = "TrainJob";
  static final String TORCH_DISTRIBUTED = "torch-distributed";
  static final String KUEUE_PRIORITY_LABEL = "kueue.x-k8s.io/priority-class";

  private static final String RUNTIME_API_GROUP = "trainer.kubeflow.org";
  private static final String CLUSTER_RUNTIME_KIND = "ClusterTrainingRuntime";
  private static final List<String> MANAGERS =
      List.of("trainer.kubeflow.org/trainjob-controller", "kueue.x-k8s.io/multikueue");

  /** What the torch-distributed runtime sets for torchrun; Trainer refuses them in trainer.env. */
  private static final List<String> RESERVED_ENV =
      List.of(
          "PET_NNODES",
          "PET_NPROC_PER_NODE",
          "PET_NODE_RANK",
          "PET_MASTER_ADDR",
          "PET_MASTER_PORT");

  private final RandomGenerator random;

  TrainJobFormat(RandomGenerator random) {
    this.random = requireNonNull(random, "random is null");
  }

  @Override
  public String apiVersion() {
    return API_VERSION;
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
    checkRuntime(spec.requiredMap("runtimeRef"));
    checkNoInitializer(spec.optionalMap("initializer"));
    KueueSuspend.check(spec, metadata.labels());
    spec.optionalOneOf("managedBy", MANAGERS, "");
    SpecMap trainer = spec.requiredMap("trainer");
    TrainJobOverrides overrides = TrainJobOverrides.read(spec);
    ReplicaGroupSpec nodes = nodes(trainer, overrides);
    return JobSpec.builder(metadata.name(), Framework.PYTORCH, KIND)
        .replicaGroups(List.of(nodes))
        .backoffLimit(CapstanTrainingJobFormat.DEFAULT_BACKOFF_LIMIT)
        .activeDeadlineSeconds(spec.optionalLong("activeDeadlineSeconds", 1, Long.MAX_VALUE))
        .labels(metadata.labels())
        .priority(JobPriority.ofClusterClass(metadata.labels().get(KUEUE_PRIORITY_LABEL)))
        .registerModel(DeclaredModelOutput.fromAnnotations(root))
        .datasets(DeclaredDatasets.fromAnnotations(root))
        .processesPerNode(ProcessesPerNode.read(trainer, "numProcPerNode"))
        .ignoredFields(overrides.ignored())
        .build();
  }

  private static void checkRuntime(SpecMap runtimeRef) {
    runtimeRef.requiredString("name");
    runtimeRef.optionalOneOf(
        "name", List.of(TORCH_DISTRIBUTED), " (the runtime Capstan has built in)");
    runtimeRef.optionalOneOf(
        "kind",
        List.of(CLUSTER_RUNTIME_KIND),
        " (Capstan has the built-in cluster runtime "
            + TORCH_DISTRIBUTED
            + " and no TrainingRuntime objects)");
    runtimeRef.optionalOneOf("apiGroup", List.of(RUNTIME_API_GROUP), "");
  }

  private static void checkNoInitializer(SpecMap initializer) {
    if (initializer == null) {
      return;
    }
    for (String step : List.of("dataset", "model")) {
      if (initializer.has(step)) {
        throw initializer
            .pathOf(step)
            .invalid(
                "Expected no "
                    + initializer.pathOf(step)
                    + " (Capstan does not run Trainer's initializers, so nothing would download"
                    + " the "
                    + step
                    + "; fetch it in spec.trainer.command instead), but it is set");
      }
    }
  }

  private static ReplicaGroupSpec nodes(SpecMap trainer, TrainJobOverrides overrides) {
    Long numNodes = trainer.optionalLong("numNodes", 1, ReplicaLimits.MAX_PER_GROUP);
    ReplicaCommand command = ReplicaCommand.read(trainer);
    String image = trainer.optionalString("image");
    return new ReplicaGroupSpec(
        ReplicaRole.WORKER,
        numNodes == null ? 1 : numNodes.intValue(),
        image == null ? CapstanTrainingJobFormat.DEFAULT_IMAGE : image,
        command.command(),
        command.args(),
        env(trainer, overrides.container()),
        ContainerResources.read(trainer.optionalMap("resourcesPerNode")),
        RestartPolicy.ON_FAILURE,
        PodTemplateDetails.read(null, overrides.podSpec(), trainer, overrides.container()),
        command.field());
  }

  private static Map<String, String> env(SpecMap trainer, SpecMap override) {
    Map<String, String> env = new java.util.LinkedHashMap<>(checkedEnv(trainer));
    if (override != null) {
      Map<String, String> added = checkedEnv(override);
      added.keySet().forEach(env::remove); // the override's place in the order, as its value
      env.putAll(added);
    }
    return env;
  }

  /** The plain variables of {@code container}'s env, none of them torchrun's. */
  private static Map<String, String> checkedEnv(SpecMap container) {
    Map<String, String> env = EnvVars.read(container, "env");
    for (String name : RESERVED_ENV) {
      if (env.containsKey(name)) {
        throw container
            .pathOf("env")
            .invalid(
                "Expected "
                    + container.pathOf("env")
                    + " not to set "
                    + name
                    + ", which the "
                    + TORCH_DISTRIBUTED
                    + " runtime sets for torchrun, but it does");
      }
    }
    return env;
  }
}
