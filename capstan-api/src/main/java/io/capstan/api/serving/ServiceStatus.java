package io.capstan.api.serving;

import io.capstan.api.status.Condition;
import java.time.Instant;
import java.util.List;

/**
 * How a service runs now. Phase, message, conditions and observed generation are the serving
 * controller's last verdict, persisted, so a restarted control plane shows them until its first
 * pass replaces them.
 *
 * @param phase {@code Pending} (no replica answers yet), {@code Ready} (every wanted replica
 *     answers), {@code Progressing} (a rollout or scaling is under way) or {@code Degraded} (some
 *     answer, some do not)
 * @param message a plain explanation, e.g. why replicas are pending
 * @param stableVersion the model version serving stable traffic
 * @param canaryVersion the canary's version, or null
 * @param canaryPercent the share of requests sent to the canary
 * @param previousVersion the stable version before the last promotion or rollout; rollback returns
 *     to it
 * @param desiredReplicas stable replicas wanted now (the autoscaler's choice between min and max)
 * @param httpPath the gateway's HTTP prefix: append the v2 path, e.g. {@code
 *     /v2/models/{model}/infer}
 * @param grpcTarget the gateway's gRPC address; send metadata {@code capstan-project} and {@code
 *     capstan-service}
 * @param versions one row per (track, version) with its replicas and request figures
 * @param createdAt when it was created
 * @param updatedAt when its spec or traffic last changed
 * @param observedGeneration the service's {@code generation} the controller last acted on, or null
 *     before its first pass; smaller than the view's {@code generation} while a change is not yet
 *     acted on
 * @param conditions KServe's {@code Ready}, {@code PredictorReady} and {@code
 *     LatestDeploymentReady}, and Capstan's {@code ModelResolved}
 */
public record ServiceStatus(
    String phase,
    String message,
    Integer stableVersion,
    Integer canaryVersion,
    int canaryPercent,
    Integer previousVersion,
    int desiredReplicas,
    String httpPath,
    String grpcTarget,
    List<VersionStatus> versions,
    Instant createdAt,
    Instant updatedAt,
    Long observedGeneration,
    List<Condition> conditions) {
  public ServiceStatus {
    versions = versions == null ? List.of() : List.copyOf(versions);
    conditions = conditions == null ? List.of() : List.copyOf(conditions);
  }
}
