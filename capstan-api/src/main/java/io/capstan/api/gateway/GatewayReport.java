package io.capstan.api.gateway;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What the serving gateway saw since its last report: requests in flight per replica (for the
 * autoscaler and for retiring replicas once idle) and, per served version, requests, errors and the
 * latencies of a sample of them.
 *
 * @param snapshotVersion the snapshot the gateway serves with now
 * @param backends requests in flight now, per replica job
 * @param versions counts since the last report
 */
public record GatewayReport(
    String snapshotVersion, List<BackendLoad> backends, List<VersionCounts> versions) {
  public GatewayReport {
    backends = backends == null ? List.of() : List.copyOf(backends);
    versions = versions == null ? List.of() : List.copyOf(versions);
  }

  /** Requests in flight to one replica job. */
  public record BackendLoad(String job, int inFlight) {
    public BackendLoad {
      requireNonNull(job, "job is null");
    }
  }

  /**
   * One version's requests since the last report.
   *
   * @param errors requests that did not get a successful answer: HTTP status 400 or above, gRPC
   *     status other than OK, no replica ready, no replica reachable, timed out
   * @param latencyNanos the latencies of up to the last 4096 of them
   */
  public record VersionCounts(
      String project,
      String service,
      int version,
      long requests,
      long errors,
      List<Long> latencyNanos) {
    public VersionCounts {
      requireNonNull(project, "project is null");
      requireNonNull(service, "service is null");
      latencyNanos = latencyNanos == null ? List.of() : List.copyOf(latencyNanos);
    }
  }
}
