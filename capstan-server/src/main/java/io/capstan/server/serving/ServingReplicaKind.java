package io.capstan.server.serving;

import io.capstan.runtime.Mount;
import io.capstan.runtime.PortSpec;
import io.capstan.runtime.ReadinessSpec;
import io.capstan.runtime.ReplicaLaunch;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.server.job.JobRecord;
import io.capstan.server.job.WorkloadKind;
import java.time.Duration;
import java.util.Map;

/**
 * Serving replicas: one model server each, made and retired by the serving controller. They run
 * until their service retires them, are never demoted by least attained service, restart after
 * every exit, even with 0 (a Deployment's {@code restartPolicy: Always}), read their model
 * version's artifact read-only (mounted by the runtime from the artifact store) and get their own
 * secret, which the gateway and the control plane present to reach them.
 */
final class ServingReplicaKind implements WorkloadKind {
  /** The kind's name, stored with each serving replica. */
  static final String NAME = "ServingReplica";

  /** Where a serving replica reads its model file. */
  static final String MODEL_PATH = "/capstan/model/model.onnx";

  /** The model server's HTTP port (KServe's default container port). */
  static final PortSpec HTTP = new PortSpec("http", 8080);

  /** The model server's gRPC port (Triton's default). */
  static final PortSpec GRPC = new PortSpec("grpc", 8001);

  private final ReplicaSecrets secrets;
  private final Duration probePeriod;
  private final Duration probeTimeout;

  /**
   * @param secrets the replicas' secrets
   * @param probePeriod how often the runtime asks a replica whether it is ready
   * @param probeTimeout how long one such question may take
   */
  ServingReplicaKind(ReplicaSecrets secrets, Duration probePeriod, Duration probeTimeout) {
    this.secrets = secrets;
    this.probePeriod = probePeriod;
    this.probeTimeout = probeTimeout;
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

  /**
   * Adds the model file (read-only), the replica's secret, its two ports and a readiness probe that
   * asks whether the exact model version it should serve is ready, so a replica of another version
   * or run never counts.
   */
  @Override
  public ReplicaLaunch complete(JobRecord job, ReplicaLaunch launch) {
    ServingReplica replica = ServingReplica.of(job);
    String secret = secrets.secret(job.uid());
    ReadinessSpec readiness =
        ReadinessSpec.httpGet(
                HTTP.name(),
                "/v2/models/"
                    + replica.modelName()
                    + "/versions/"
                    + replica.modelVersion()
                    + "/ready")
            .withHeader("Authorization", "Bearer " + secret)
            .withPeriod(probePeriod)
            .withTimeout(probeTimeout);
    return launch.toBuilder()
        .mount(Mount.artifact(replica.modelArtifact(), MODEL_PATH))
        .env(ReplicaSecrets.ENVIRONMENT, secret)
        .port(HTTP.name(), HTTP.containerPort())
        .port(GRPC.name(), GRPC.containerPort())
        .readiness(readiness)
        .build();
  }

  /** The gateway and the control plane call it. */
  @Override
  public boolean needsNoNetwork(JobRecord job) {
    return false;
  }
}
