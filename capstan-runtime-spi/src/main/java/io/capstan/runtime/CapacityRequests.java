package io.capstan.runtime;

import static java.util.Objects.requireNonNull;

import io.capstan.api.job.Resources;
import java.util.List;
import java.util.Map;

/**
 * Requests for nodes for gangs that no node of the cluster holds: on Kubernetes one
 * ProvisioningRequest of the cluster-autoscaler per gang.
 *
 * <p>Contract: {@link #reconcile} is level-triggered and idempotent. It is given every gang that
 * waits for nodes now; it asks for each one it has not asked for yet and withdraws every request
 * whose gang is no longer listed (placed, cancelled, deleted), including requests a previous
 * control plane made. It sends no request to the cluster when nothing changed, and never lists.
 */
public interface CapacityRequests {
  /**
   * Asks for {@code gangs} and withdraws the rest; returns, per job uid of {@code gangs}, what the
   * cluster said of its request so far.
   */
  Map<String, CapacityState> reconcile(List<Gang> gangs);

  /**
   * A gang that waits for nodes.
   *
   * @param jobUid its job
   * @param project the job's project
   * @param pods what each pod asks for, in rank order
   */
  record Gang(String jobUid, String project, List<Resources> pods) {
    public Gang {
      requireNonNull(jobUid, "jobUid is null");
      requireNonNull(project, "project is null");
      pods = List.copyOf(pods);
      if (pods.isEmpty()) {
        throw new IllegalArgumentException(
            "Expected gang " + jobUid + " to have pods, but it had none");
      }
    }
  }

  /**
   * What the cluster said of one request.
   *
   * @param request the request as the cluster's users know it ({@code ProvisioningRequest
   *     namespace/name} on Kubernetes)
   * @param phase where it stands
   * @param message the cluster's words, or empty
   */
  record CapacityState(String request, Phase phase, String message) {
    public CapacityState {
      requireNonNull(request, "request is null");
      requireNonNull(phase, "phase is null");
      message = message == null ? "" : message;
    }

    /** Plain words for a job's pending reason. */
    public String describe() {
      String words =
          switch (phase) {
            case REQUESTED -> "requested, not answered yet";
            case ACCEPTED -> "accepted, nodes not provisioned yet";
            case PROVISIONED -> "provisioned, the new nodes are joining";
            case FAILED -> "failed";
            case CAPACITY_REVOKED -> "its capacity was revoked";
          };
      return request + " " + words + (message.isEmpty() ? "" : " (" + message + ")");
    }
  }

  /** The ProvisioningRequest conditions, in the order a request passes them. */
  enum Phase {
    REQUESTED,
    ACCEPTED,
    PROVISIONED,
    FAILED,
    CAPACITY_REVOKED
  }
}
