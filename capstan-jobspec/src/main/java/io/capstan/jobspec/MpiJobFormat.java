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
 * The MPI Operator's {@code kubeflow.org/v2beta1 MPIJob}, accepted as it is applied to a cluster:
 * one {@code Launcher} (rank order first; its {@code mpirun} starts every MPI rank) and {@code
 * Worker}s, the MPI hosts, each with {@code slotsPerWorker} slots (default 1), which go to the job
 * as its {@link MpiLayout} (with {@code runLauncherAsWorker}). The first container of each pod
 * runs, as in the operator; a worker container with neither command nor args runs {@code
 * /usr/sbin/sshd -De}, the operator's default. Restart policy defaults: {@code OnFailure} for the
 * launcher, {@code Never} for workers, as the operator's. The job succeeds when the launcher has,
 * as in the operator.
 *
 * <p>Refused, because ignoring them would change what the job does: an {@code mpiImplementation}
 * other than {@code OpenMPI} (the local runtime sets up Open MPI's {@code mpirun} only); {@code
 * runPolicy.suspend: true} without Kueue's queue label (see {@link KueueSuspend}); a job with no
 * {@code Worker} that does not run ranks on its launcher either (mpirun would have no host).
 *
 * <p>Accepted and ignored: {@code sshAuthMountPath} (nothing is reached over SSH on one machine),
 * {@code launcherCreationPolicy} and the older {@code waitForWorkers} (the workers' hosts are there
 * when the launcher starts), {@code runPolicy.cleanPodPolicy} (Capstan stops every replica of a
 * finished job and keeps its logs), {@code runPolicy.managedBy} (either allowed value: Capstan
 * manages the job), {@code runPolicy.schedulingPolicy} but its {@code priorityClass} (Capstan
 * admits the whole gang, so {@code minAvailable} is at least met), and, as in the other Kubeflow
 * formats, pod settings and unknown fields.
 */
final class MpiJobFormat implements SpecFormat {
  static final String API_VERSION = "kubeflow.org/v2beta1";
  static final String KIND = "MPIJob";
  static final String OPEN_MPI = "OpenMPI";
  static final int MAX_SLOTS_PER_WORKER = ReplicaLimits.MAX_PER_JOB;

  /** The command of the operator's worker pod whose container sets none. */
  static final List<String> SSHD = List.of("/usr/sbin/sshd", "-De");

  private static final List<String> MANAGERS =
      List.of("kubeflow.org/mpi-operator", "kueue.x-k8s.io/multikueue");
  private static final List<String> CLEAN_POD_POLICIES = List.of("None", "Running", "All");
  private static final List<String> LAUNCHER_CREATION_POLICIES =
      List.of("AtStartup", "WaitForWorkersReady");

  private static final KubeflowReplicaSpecs REPLICA_SPECS =
      new KubeflowReplicaSpecs(
          "mpiReplicaSpecs",
          null,
          List.of(
              new KubeflowReplicaSpecs.ReplicaType(
                  "Launcher", ReplicaRole.LAUNCHER, RestartPolicy.ON_FAILURE, List.of()),
              new KubeflowReplicaSpecs.ReplicaType(
                  "Worker", ReplicaRole.WORKER, RestartPolicy.NEVER, SSHD)),
          RestartPolicy.NEVER);

  private final RandomGenerator random;

  MpiJobFormat(RandomGenerator random) {
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
    spec.optionalOneOf(
        "mpiImplementation",
        List.of(OPEN_MPI),
        " (Capstan sets up Open MPI's mpirun; Intel MPI and MPICH are not supported)");
    checkRunPolicy(spec.optionalMap("runPolicy"));
    spec.optionalOneOf("launcherCreationPolicy", LAUNCHER_CREATION_POLICIES, "");
    spec.optionalBoolean("waitForWorkers");
    Long slots = spec.optionalLong("slotsPerWorker", 1, MAX_SLOTS_PER_WORKER);
    boolean launcherAsWorker = Boolean.TRUE.equals(spec.optionalBoolean("runLauncherAsWorker"));
    List<ReplicaGroupSpec> groups = REPLICA_SPECS.read(spec);
    checkHosts(
        spec.requiredMap("mpiReplicaSpecs"),
        groups,
        launcherAsWorker,
        "spec.runLauncherAsWorker to be true");
    return KubeflowRunPolicy.job(
            root,
            spec,
            metadata.name(),
            Framework.MPI,
            KIND,
            groups,
            metadata.labels(),
            CapstanTrainingJobFormat.DEFAULT_BACKOFF_LIMIT)
        .toBuilder()
        .mpi(new MpiLayout(slots == null ? 1 : slots.intValue(), launcherAsWorker))
        .ignoredFields(REPLICA_SPECS.ignored(spec))
        .build();
  }

  static void checkRunPolicy(SpecMap runPolicy) {
    if (runPolicy == null) {
      return;
    }
    runPolicy.optionalOneOf("managedBy", MANAGERS, "");
    runPolicy.optionalOneOf("cleanPodPolicy", CLEAN_POD_POLICIES, "");
  }

  /** A launcher, and some host for its ranks: a worker, or the launcher itself. */
  static void checkHosts(
      SpecMap specs, List<ReplicaGroupSpec> groups, boolean launcherAsWorker, String alternative) {
    if (groups.stream().noneMatch(group -> group.role() == ReplicaRole.LAUNCHER)) {
      FieldPath launcher = specs.pathOf("Launcher");
      throw launcher.invalid("Expected " + launcher + " to be set, but it is missing");
    }
    if (!launcherAsWorker && groups.stream().noneMatch(g -> g.role() == ReplicaRole.WORKER)) {
      FieldPath worker = specs.pathOf("Worker");
      throw worker.invalid(
          "Expected "
              + worker
              + " to be set, or "
              + alternative
              + ", but neither is: mpirun"
              + " would have no host to start ranks on");
    }
  }
}
