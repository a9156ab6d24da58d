package io.capstan.server.serving;

import io.capstan.runtime.Mount;
import io.capstan.runtime.ReplicaLaunch;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.server.job.JobRecord;
import io.capstan.server.job.WorkloadKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Serving replicas: one model server each, made and retired by the serving controller. They run
 * until their service retires them, are never demoted by least attained service, restart after
 * every failure (a Deployment's {@code restartPolicy: Always}), read their model file read-only and
 * get their own secret, which the gateway and the control plane present to reach them.
 */
final class ServingReplicaKind implements WorkloadKind {
  /** The kind's name, stored with each serving replica. */
  static final String NAME = "ServingReplica";

  /** Where a serving replica reads its model file. */
  static final String MODEL_PATH = "/capstan/model/model.onnx";

  private final ReplicaSecrets secrets;

  ServingReplicaKind(ReplicaSecrets secrets) {
    this.secrets = secrets;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean longRunning() {
    return true;
  }

  @Override
  public boolean succeeded(JobRecord job, Map<String, ReplicaObservation> observed) {
    return false;
  }

  @Override
  public String successMessage(JobRecord job, Map<String, ReplicaObservation> observed) {
    throw new IllegalStateException("A serving replica never succeeds on its own");
  }

  @Override
  public Verdict onFailure(JobRecord job, ReplicaObservation failed, String what) {
    return Verdict.restart(
        "ReplicaFailed",
        what
            + "; restarting it (restart "
            + (job.restarts() + 1)
            + "): a serving replica runs until its service retires it");
  }

  @Override
  public ReplicaLaunch complete(JobRecord job, ReplicaLaunch launch) {
    ServingReplica replica = ServingReplica.of(job);
    List<Mount> mounts = new ArrayList<>(launch.mounts());
    mounts.add(Mount.readOnly(Path.of(replica.modelFile()), MODEL_PATH));
    Map<String, String> env = new LinkedHashMap<>(launch.env());
    env.put(ReplicaSecrets.ENVIRONMENT, secrets.secret(job.uid()));
    return new ReplicaLaunch(
        launch.id(),
        launch.attempt(),
        launch.image(),
        launch.command(),
        env,
        launch.resources(),
        launch.gpuIndices(),
        launch.workDir(),
        launch.logFile(),
        launch.tenant(),
        mounts,
        launch.privateNetwork());
  }

  /** The gateway and the control plane call it. */
  @Override
  public boolean needsNoNetwork(JobRecord job) {
    return false;
  }
}
