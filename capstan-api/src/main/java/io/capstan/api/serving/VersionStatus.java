package io.capstan.api.serving;

import java.util.List;

/**
 * One served model version of a service.
 *
 * @param track {@code stable} or {@code canary}
 * @param version the model version
 * @param replicas replicas of this version that exist (running or waiting)
 * @param readyReplicas replicas that answer
 * @param replicaJobs the replica workloads (jobs) with their phase and, while waiting, the reason
 * @param requests requests answered through the gateway since the control plane started
 * @param errors of those, answered with a 5xx (or a gRPC error other than a client error)
 * @param p50Millis median gateway latency over the last requests, or null without requests
 * @param p99Millis 99th percentile of the same
 */
public record VersionStatus(
    String track,
    int version,
    int replicas,
    int readyReplicas,
    List<String> replicaJobs,
    long requests,
    long errors,
    Double p50Millis,
    Double p99Millis) {
  public VersionStatus {
    replicaJobs = replicaJobs == null ? List.of() : List.copyOf(replicaJobs);
  }
}
