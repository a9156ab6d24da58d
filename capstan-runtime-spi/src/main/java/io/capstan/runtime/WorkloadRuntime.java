package io.capstan.runtime;

import java.time.Duration;
import java.util.List;

/**
 * Runs replicas. One replica is one pod on Kubernetes and one process group on the local runtime;
 * every operation maps one-to-one onto the Kubernetes API (create pod, delete pod with a grace
 * period, list pods by label).
 *
 * <p>Contract: all methods are idempotent and safe to call from one controller thread at a time.
 * State lives in the runtime (the process table and its state directory; the API server), not in
 * the caller's memory, so a restarted control plane sees the replicas still running ("re-adopts"
 * them) through {@link #observe}.
 */
public interface WorkloadRuntime extends AutoCloseable {
  /** A short name: {@code local}, {@code kubernetes}. */
  String name();

  /** The nodes and their allocatable resources. */
  List<Node> nodes();

  /** What this runtime enforces. */
  RuntimeCapabilities capabilities();

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
   * Starts a replica. If a replica with the same id and attempt already exists, does nothing.
   * Returns once the replica was created; its output goes to {@code launch.logFile()}.
   *
   * @throws io.capstan.api.error.CapstanException when it cannot be started (e.g. unknown image)
   */
  void launch(ReplicaLaunch launch);

  /**
   * Stops a replica: SIGTERM to its whole process group, then SIGKILL after {@code grace}. Returns
   * at once; {@link #observe} shows when it has exited. Unknown replicas are ignored.
   */
  void terminate(ReplicaId id, Duration grace);

  /** The replicas of a job, as they are now, including exited ones not yet released. */
  List<ReplicaObservation> observe(String jobUid);

  /** Every replica the runtime knows, for re-adoption and orphan clean-up after a restart. */
  List<ReplicaObservation> observeAll();

  /**
   * Forgets a job's exited replicas (deletes the pods). Replicas still running are terminated
   * first.
   */
  void release(String jobUid);

  @Override
  void close();
}
