package io.capstan.server.serving;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One serving replica the gateway may send requests to: where it listens, which model version it
 * serves, and how many requests it has in flight (for picking the least loaded and for
 * autoscaling).
 */
final class Backend {
  private final String job;
  private final int version;
  private final URI http;
  private final int grpcPort;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile long unhealthyUntilNanos;

  Backend(String job, int version, URI http, int grpcPort) {
    this.job = requireNonNull(job, "job is null");
    this.version = version;
    this.http = requireNonNull(http, "http is null");
    this.grpcPort = grpcPort;
  }

  String job() {
    return job;
  }

  int version() {
    return version;
  }

  /** The replica's HTTP base, e.g. {@code http://127.0.0.1:41234}. */
  URI http() {
    return http;
  }

  String grpcHost() {
    return http.getHost();
  }

  int grpcPort() {
    return grpcPort;
  }

  int inFlight() {
    return inFlight.get();
  }

  void begin() {
    inFlight.incrementAndGet();
  }

  void end() {
    inFlight.decrementAndGet();
  }

  /** After a failed connection the replica is skipped for a moment, unless it is the only one. */
  void markFailed(long nowNanos, long forNanos) {
    unhealthyUntilNanos = nowNanos + forNanos;
  }

  boolean healthy(long nowNanos) {
    return nowNanos - unhealthyUntilNanos >= 0;
  }

  @Override
  public String toString() {
    return job + " (v" + version + " at " + http + ")";
  }
}
