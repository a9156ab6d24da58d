package io.capstan.server.job;

import io.capstan.api.job.DatasetMount;
import io.capstan.api.job.Framework;
import io.capstan.api.job.JobSpec;
import io.capstan.runtime.Endpoint;
import io.capstan.runtime.Mount;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaLaunch;
import io.capstan.runtime.WorkloadRuntime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a job's spec and placement into replica launches: command and args (kept apart, as a pod
 * keeps them: without a command the image's entrypoint runs the args), environment, the job's
 * volumes (the runtime keeps them across attempts and chooses each replica's working folder), the
 * datasets it names (read-only artifact folders); for an MPI job also the launcher's hostfile and
 * what each replica runs (see {@link MpiHosts}).
 */
final class JobLauncher {
  /** Where every replica finds the job's checkpoint directory (kept across restarts). */
  static final String CHECKPOINT_DIR = "/capstan/checkpoints";

  /** Where every replica finds the job's output directory. */
  static final String OUTPUT_DIR = "/capstan/output";

  /** The job volume mounted at {@link #CHECKPOINT_DIR}. */
  static final String CHECKPOINT_VOLUME = "checkpoints";

  /** The job volume mounted at {@link #OUTPUT_DIR}, collected when the job succeeds. */
  static final String OUTPUT_VOLUME = "output";

  private final WorkloadRuntime runtime;
  private final Rendezvous rendezvous;
  private final WorkloadKinds kinds;
  private final PodVolumes volumes;
  private final PodEnvironment environment;
  private final JobDatasets datasets;

  /** A launcher for jobs without secrets, config maps or host paths (a test's). */
  JobLauncher(WorkloadRuntime runtime, Rendezvous rendezvous, WorkloadKinds kinds) {
    this(
        runtime,
        rendezvous,
        kinds,
        JobVolumesConfig.defaults(),
        NoProjectValues.INSTANCE,
        JobDatasets.NONE);
  }

  JobLauncher(
      WorkloadRuntime runtime,
      Rendezvous rendezvous,
      WorkloadKinds kinds,
      JobVolumesConfig volumes,
      ProjectValues values,
      JobDatasets datasets) {
    this.runtime = runtime;
    this.datasets = datasets;
    this.rendezvous = rendezvous;
    this.kinds = kinds;
    this.volumes = new PodVolumes(volumes, values);
    this.environment = new PodEnvironment(values);
  }

  /** Refuses at submission a job whose volumes or environment could never be provided. */
  void check(String project, JobSpec spec) {
    volumes.check(project, spec);
    environment.check(project, spec);
    datasetMounts(project, spec);
  }

  /** The job's datasets, each its version's folder mounted read-only (decision 96). */
  private List<Mount> datasetMounts(String project, JobSpec spec) {
    List<Mount> mounts = new ArrayList<>();
    for (DatasetMount dataset : spec.datasets()) {
      mounts.add(Mount.artifact(datasets.folder(project, dataset), dataset.path()));
    }
    return mounts;
  }

  /** The placement with a fresh endpoint reserved for every replica. */
  Placement reserveEndpoints(JobRecord job, Placement placement) {
    List<String> names = Rendezvous.replicas(job.spec()).stream().map(r -> r.name()).toList();
    List<Endpoint> endpoints = runtime.reserveEndpoints(job.uid(), names);
    Map<String, String> byName = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      byName.put(names.get(i), endpoints.get(i).toString());
    }
    return placement.withEndpoints(byName);
  }

  /**
   * Launches every replica of the job's current attempt the runtime does not have; returns how
   * many.
   */
  int launchMissing(JobRecord job, java.util.Set<String> present) {
    Map<String, String> endpoints = new LinkedHashMap<>();
    job.placement().replicas().forEach((name, p) -> endpoints.put(name, p.endpoint()));
    MpiHosts mpi =
        job.spec().framework() == Framework.MPI ? new MpiHosts(job.spec(), job.placement()) : null;
    List<ReplicaLaunch> missing = new ArrayList<>();
    for (Rendezvous.Replica replica : Rendezvous.replicas(job.spec())) {
      if (!present.contains(replica.name())) {
        ReplicaLaunch launch = launch(job, replica, endpoints);
        missing.add(mpi == null ? launch : mpi.adapt(replica, launch));
      }
    }
    if (!missing.isEmpty()) {
      runtime.launchAll(missing);
    }
    return missing.size();
  }

  private ReplicaLaunch launch(
      JobRecord job, Rendezvous.Replica replica, Map<String, String> endpoints) {
    JobSpec spec = job.spec();
    Placement.ReplicaPlacement placement = job.placement().of(replica.name());
    PodEnvironment.Pod pod =
        new PodEnvironment.Pod(
            job.name(),
            job.uid(),
            job.project(),
            replica.name(),
            replica.index(),
            placement == null || placement.node() == null ? "" : placement.node());
    Map<String, String> env =
        new LinkedHashMap<>(environment.environment(spec, replica.group(), pod));
    env.putAll(rendezvous.environment(spec, replica, endpoints));
    env.put("CAPSTAN_PROJECT", job.project());
    env.put("CAPSTAN_JOB_NAME", job.name());
    env.put("CAPSTAN_JOB_UID", job.uid());
    env.put("CAPSTAN_REPLICA", replica.name());
    env.put("CAPSTAN_REPLICA_ROLE", replica.role().wireName());
    env.put("CAPSTAN_REPLICA_INDEX", Integer.toString(replica.index()));
    env.put("CAPSTAN_ATTEMPT", Integer.toString(job.attempt()));
    env.put("CAPSTAN_CHECKPOINT_DIR", CHECKPOINT_DIR);
    env.put("CAPSTAN_OUTPUT_DIR", OUTPUT_DIR);
    env.putIfAbsent("PYTHONUNBUFFERED", "1");
    List<Mount> mounts = new ArrayList<>();
    mounts.add(Mount.volume(CHECKPOINT_VOLUME, CHECKPOINT_DIR));
    mounts.add(Mount.volume(OUTPUT_VOLUME, OUTPUT_DIR));
    PodVolumes.Mounted podMounts = volumes.mounts(job.project(), spec, replica.group());
    mounts.addAll(podMounts.mounts());
    mounts.addAll(datasetMounts(job.project(), spec));
    WorkloadKind kind = kinds.of(job);
    ReplicaLaunch launch =
        ReplicaLaunch.builder(new ReplicaId(job.uid(), replica.name()))
            .attempt(job.attempt())
            .image(replica.group().image())
            .command(replica.group().command())
            .args(replica.group().args())
            .workingDir(replica.group().pod().workingDir())
            .env(env)
            .resources(replica.group().resources())
            .gpuIndices(placement == null ? List.of() : placement.gpus())
            .node(placement == null ? null : placement.node())
            .tenant(job.project())
            .mounts(mounts)
            .files(podMounts.files())
            .privateNetwork(kind.needsNoNetwork(job))
            .build();
    return kind.complete(job, launch);
  }
}
