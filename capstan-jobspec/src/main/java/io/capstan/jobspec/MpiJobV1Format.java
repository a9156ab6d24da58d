package io.capstan.jobspec;

import static java.util.Objects.requireNonNull;

import io.capstan.api.job.Framework;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.MpiLayout;
import io.capstan.api.job.ReplicaGroupSpec;
import io.capstan.api.job.ReplicaRole;
import io.capstan.api.job.RestartPolicy;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The Training Operator's {@code kubeflow.org/v1 MPIJob} (the MPI Operator's v1 API, which the
 * Training Operator took over), accepted as it is applied to a cluster: one {@code Launcher} and
 * {@code Worker}s under {@code mpiReplicaSpecs}, {@code slotsPerWorker} slots each (default 1), the
 * {@code runPolicy} (or the older {@code spec.cleanPodPolicy}), the first container of each pod.
 *
 * <p>The operator's v1 semantics, where they differ from {@link MpiJobFormat v2beta1}'s: both
 * replica types default to restart policy {@code Never}; a worker container with no command runs
 * {@code sleep 365d} (mpirun reaches it with {@code kubectl exec}, not SSH); the launcher is an MPI
 * host itself, with {@code slotsPerWorker} slots, when its container has a GPU limit; {@code
 * backoffLimit} unset means no limit on restarts (the operator's common job controller checks none
 * then, decision 80). {@code mainContainer} names the container that {@code kubectl exec} enters on
 * workers: on one machine mpirun starts every rank itself, so it has no effect.
 */
final class MpiJobV1Format implements SpecFormat {
  static final String API_VERSION = "kubeflow.org/v1";

  /** The command of the v1 operator's worker pod whose container sets none. */
  static final List<String> SLEEP = List.of("sleep", "365d");

  private static final List<String> CLEAN_POD_POLICIES = List.of("None", "Running", "All");

  private static final KubeflowReplicaSpecs REPLICA_SPECS =
      new KubeflowReplicaSpecs(
          "mpiReplicaSpecs",
          null,
          List.of(
              new KubeflowReplicaSpecs.ReplicaType(
                  "Launcher", ReplicaRole.LAUNCHER, RestartPolicy.NEVER, List.of()),
              new KubeflowReplicaSpecs.ReplicaType(
                  "Worker", ReplicaRole.WORKER, RestartPolicy.NEVER, SLEEP)),
          RestartPolicy.NEVER);

  private final RandomGenerator random;

  MpiJobV1Format(RandomGenerator random) {
    this.random = requireNonNull(random, "random is null");
  }

  @Override
  public String apiVersion() {
    return API_VERSION;
  }

  @Override
  public String kind() {
    return MpiJobFormat.KIND;
  }

  @Override
  public JobSpec parse(Map<String, Object> document) {
    SpecMap root = SpecMap.of(document, FieldPath.ROOT);
    JobMetadata metadata = JobMetadata.read(root, false, random);
    SpecMap spec = root.requiredMap("spec");
    spec.optionalOneOf("cleanPodPolicy", CLEAN_POD_POLICIES, "");
    spec.optionalString("mainContainer");
    MpiJobFormat.checkRunPolicy(spec.optionalMap("runPolicy"));
    Long slots = spec.optionalLong("slotsPerWorker", 1, MpiJobFormat.MAX_SLOTS_PER_WORKER);
    List<ReplicaGroupSpec> groups = REPLICA_SPECS.read(spec);
    boolean gpuLauncher =
        groups.stream().anyMatch(g -> g.role() == ReplicaRole.LAUNCHER && g.resources().gpus() > 0);
    MpiJobFormat.checkHosts(
        spec.requiredMap("mpiReplicaSpecs"),
        groups,
        gpuLauncher,
        "the Launcher to have a GPU limit (which makes it an MPI host)");
    return KubeflowRunPolicy.job(
            root,
            spec,
            metadata.name(),
            Framework.MPI,
            MpiJobFormat.KIND,
            groups,
            metadata.labels(),
            JobSpec.NO_BACKOFF_LIMIT)
        .toBuilder()
        .mpi(new MpiLayout(slots == null ? 1 : slots.intValue(), gpuLauncher))
        .ignoredFields(REPLICA_SPECS.ignored(spec))
        .build();
  }
}
