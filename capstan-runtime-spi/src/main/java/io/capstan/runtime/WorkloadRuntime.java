package io.capstan.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Runs replicas. One replica is one pod on Kubernetes and one process group on the local runtime;
 * every operation maps one-to-one onto the Kubernetes API (create pod, delete pod with a grace
 * period, list pods by label).
 *
 * <p>Contract: all methods are idempotent and safe to call from one controller thread at a time.
 * State lives in the runtime (the process table and its state directory; the API server), not in
 * the caller's memory, so a restarted control plane sees the replicas still running ("re-adopts"
 * them) through {@link #observe}.
 *
 * <p>A launch carries everything its replica needs as data ({@link ReplicaLaunch}): ports, files,
 * mounts, a readiness probe. The runtime announces each declared port to the replica ({@code
 * CAPSTAN_PORT_<NAME>}), expands {@code $(VAR)} in its command, materializes its files, probes its
 * readiness on threads of its own, and reports where each port is reached and whether the replica
 * is ready in {@link ReplicaObservation}. Nobody outside the runtime reads a replica's files or
 * dials it by a loopback address it guessed. Every runtime passes the contract test {@code
 * io.capstan.runtime.testing.WorkloadRuntimeContract}.
 */
public interface WorkloadRuntime extends AutoCloseable {
  /** A short name: {@code local}, {@code kubernetes}. */
  String name();

  /** The nodes and their allocatable resources. */
  List<Node> nodes();

  /** What this runtime enforces. */
  RuntimeCapabilities capabilities();

  /**
   * The runtime's image map, where images are stand-ins on the host (the local runtime); empty
   * where images are real (Kubernetes), and every image has its own entrypoint.
   */
  default Optional<ImageMap> images() {
    return Optional.empty();
  }

  /**
   * Reserves how each replica of a job will be reached by its peers, before any is launched, so the
   * rendezvous environment can name them. Locally: loopback and a free port per replica;
   * Kubernetes: the pod's DNS name under the job's headless service and a fixed port.
   *
   * @param jobUid the job
   * @param replicas replica names, in rank order
   * @return one endpoint per replica, in the same order
   */
  List<Endpoint> reserveEndpoints(String jobUid, List<String> replicas);

  /**
   * Starts a replica. If a replica with the same id and attempt already exists, does nothing; a new
   * attempt replaces an exited replica of the same id. Before the start, the runtime gives each
   * declared port a port to listen on ({@code CAPSTAN_PORT_<NAME>} in the environment), expands
   * {@code $(VAR)} in the command and writes the launch's files read-only at their container paths.
   * Returns once the replica was created; its output can be read through {@link #logs()}.
   *
   * @throws io.capstan.api.error.CapstanException when it cannot be started (e.g. unknown image)
   */
  void launch(ReplicaLaunch launch);

  /**
   * Starts several replicas of one job, as {@link #launch} each, returning once all were created. A
   * runtime may start them at the same time (the local runtime overlaps their sandboxes' start-up);
   * by default they start one after another. If one cannot be started, the others that could are
   * still created, and the first failure is thrown.
   */
  default void launchAll(List<ReplicaLaunch> launches) {
    launches.forEach(this::launch);
  }

  /**
   * Stops a replica: SIGTERM to its whole process group, then SIGKILL after {@code grace}. Returns
   * at once; {@link #observe} shows when it has exited. Unknown replicas are ignored.
   */
  void terminate(ReplicaId id, Duration grace);

  /**
   * The replicas of a job, as they are now, including exited ones not yet released: phase, exit
   * code, the endpoint of each declared port and whether the replica is ready (the last result of
   * its readiness probe, which the runtime runs on its own threads; never probed on the caller's
   * thread).
   */
  List<ReplicaObservation> observe(String jobUid);

  /** Every replica the runtime knows, for re-adoption and orphan clean-up after a restart. */
  List<ReplicaObservation> observeAll();

  /**
   * Forgets a job's exited replicas (deletes the pods). Replicas still running are terminated
   * first. The job's volumes stay, for its next attempt or for the control plane to read, until
   * {@link JobVolumes#delete}.
   */
  void release(String jobUid);

  /**
   * The replicas' output. Locally the log files the launches named; on Kubernetes the pods' logs.
   */
  LogSource logs();

  /**
   * The jobs' volumes ({@link MountSource.JobVolume}): their files, read by the control plane, and
   * their deletion with the job.
   */
  JobVolumes volumes();

  /** The projects' volumes, which outlive jobs (see {@link MountSource.ProjectVolume}). */
  ProjectVolumes projectVolumes();

  /**
   * The last sample of each GPU's utilisation and memory, where the runtime reads them (the local
   * runtime asks {@code nvidia-smi} every few seconds on a machine with NVIDIA GPUs); empty where
   * it does not (no GPUs, or a cluster whose GPU metrics come from NVIDIA's DCGM exporter).
   */
  default List<GpuUsage> gpuUsage() {
    return List.of();
  }

  /**
   * The files replicas write their training metrics to, where this runtime can read them (it then
   * names them in every replica's environment); empty where it cannot, and replicas print their
   * metrics instead.
   */
  default Optional<MetricFiles> metricFiles() {
    return Optional.empty();
  }

  /**
   * The nodes the cloud took back or is taking back (a spot node deleted, a node with the cloud's
   * termination taint), by name, for as long as the runtime remembers them (at least an hour, not
   * across a restart of the control plane). A job whose replicas ran there goes back to the queue
   * and resumes from its checkpoint, without counting it as a failure. Empty where the runtime
   * cannot tell (one machine).
   */
  default Set<String> reclaimedNodes() {
    return Set.of();
  }

  /**
   * Where the cluster can be asked for more nodes (Kubernetes with the cluster-autoscaler's
   * ProvisioningRequest API): the requests for gangs that no node holds. Empty elsewhere.
   */
  default Optional<CapacityRequests> capacityRequests() {
    return Optional.empty();
  }

  @Override
  void close();
}
