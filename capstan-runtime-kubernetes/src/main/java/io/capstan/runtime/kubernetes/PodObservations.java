package io.capstan.runtime.kubernetes;

import io.capstan.runtime.Endpoint;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.runtime.ReplicaPhase;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A replica's pod as the control plane observes a replica ({@link ReplicaObservation}): the pod's
 * phase ({@code Unknown}, a node that stopped reporting, is {@link ReplicaPhase#LOST}); the replica
 * container's exit code and times; in plain words why it ended or waits (OOMKilled, an eviction, an
 * image that cannot be pulled); each declared port's endpoint at the pod's IP; ready when the pod
 * runs and its {@code Ready} condition is true. Only pods with Capstan's labels are replicas:
 * another pod gives nothing.
 */
final class PodObservations {
  private PodObservations() {}

  /** The observation of {@code pod}, or empty for a pod that is not a Capstan replica. */
  static Optional<ReplicaObservation> observe(Pod pod) {
    Map<String, String> labels =
        pod.getMetadata() == null || pod.getMetadata().getLabels() == null
            ? Map.of()
            : pod.getMetadata().getLabels();
    String jobUid = labels.get(PodSpecs.JOB_UID_LABEL);
    String replica = labels.get(PodSpecs.REPLICA_LABEL);
    String attempt = labels.get(PodSpecs.ATTEMPT_LABEL);
    if (jobUid == null || replica == null || attempt == null || !attempt.matches("[0-9]{1,9}")) {
      return Optional.empty();
    }
    PodStatus status = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
    ReplicaPhase phase = phase(status.getPhase());
    ContainerState state = containerState(status);
    Integer exitCode = null;
    Instant startedAt = null;
    Instant finishedAt = null;
    String message = null;
    if (state != null && state.getRunning() != null) {
      startedAt = instant(state.getRunning().getStartedAt());
    }
    if (state != null && state.getTerminated() != null) {
      var terminated = state.getTerminated();
      exitCode = terminated.getExitCode();
      startedAt = instant(terminated.getStartedAt());
      finishedAt = instant(terminated.getFinishedAt());
      message = words(terminated.getReason(), terminated.getMessage());
    }
    if (state != null && state.getWaiting() != null && phase == ReplicaPhase.PENDING) {
      message = words(state.getWaiting().getReason(), state.getWaiting().getMessage());
    }
    if (phase.isFinished() && exitCode == null && status.getReason() != null) {
      message = words(status.getReason(), status.getMessage()); // evicted, node lost
    }
    boolean ready =
        phase == ReplicaPhase.RUNNING
            && status.getConditions() != null
            && status.getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    return Optional.of(
        new ReplicaObservation(
            new ReplicaId(jobUid, replica),
            Integer.parseInt(attempt),
            phase,
            exitCode,
            startedAt,
            finishedAt,
            message,
            endpoints(pod, status),
            ready));
  }

  private static ReplicaPhase phase(String phase) {
    return switch (phase == null ? "Pending" : phase) {
      case "Running" -> ReplicaPhase.RUNNING;
      case "Succeeded" -> ReplicaPhase.SUCCEEDED;
      case "Failed" -> ReplicaPhase.FAILED;
      case "Unknown" -> ReplicaPhase.LOST;
      default -> ReplicaPhase.PENDING;
    };
  }

  /** The state of the replica's container, or null before the kubelet reports one. */
  private static ContainerState containerState(PodStatus status) {
    List<ContainerStatus> statuses =
        status.getContainerStatuses() == null ? List.of() : status.getContainerStatuses();
    return statuses.stream()
        .filter(s -> PodSpecs.CONTAINER.equals(s.getName()))
        .findFirst()
        .map(ContainerStatus::getState)
        .orElse(null);
  }

  private static Map<String, Endpoint> endpoints(Pod pod, PodStatus status) {
    Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    if (status.getPodIP() == null || pod.getSpec() == null) {
      return endpoints;
    }
    pod.getSpec().getContainers().stream()
        .filter(c -> PodSpecs.CONTAINER.equals(c.getName()) && c.getPorts() != null)
        .flatMap(c -> c.getPorts().stream())
        .filter(port -> port.getName() != null)
        .forEach(
            (ContainerPort port) ->
                endpoints.put(
                    port.getName(), new Endpoint(status.getPodIP(), port.getContainerPort())));
    return endpoints;
  }

  private static String words(String reason, String message) {
    if (reason == null && message == null) {
      return null;
    }
    if (reason == null || message == null || message.isBlank()) {
      return reason == null ? message : reason;
    }
    return reason + ": " + message;
  }

  private static Instant instant(String time) {
    return time == null ? null : Instant.parse(time);
  }

  /**
   * {@code observed} as a replica that ended without finishing by itself: its pod was deleted while
   * it ran, or its node is gone. Not ready, no exit code; {@code message} says why.
   */
  static ReplicaObservation ended(ReplicaObservation observed, ReplicaPhase phase, String message) {
    return new ReplicaObservation(
        observed.id(),
        observed.attempt(),
        phase,
        null,
        observed.startedAt(),
        observed.finishedAt(),
        message,
        observed.endpoints(),
        false);
  }
}
