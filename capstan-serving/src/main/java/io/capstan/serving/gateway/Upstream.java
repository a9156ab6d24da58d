package io.capstan.serving.gateway;

import static java.util.Objects.requireNonNull;

import io.capstan.api.gateway.GatewaySnapshot;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One serving replica the gateway sends requests to: where it listens, the version it serves, the
 * secret it requires, and how many requests it has in flight (for picking the less loaded one and
 * for the control plane's autoscaler). Kept across snapshots while the replica stays the same, so
 * its counters survive an update of the routes.
 */
final class Upstream {
  private final GatewaySnapshot.Backend backend;
  private final InetSocketAddress http;
  private final InetSocketAddress grpc;
  private final String authorization;
  private final String httpHost;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile long unhealthyUntilNanos;

  Upstream(GatewaySnapshot.Backend backend) {
    this.backend = requireNonNull(backend, "backend is null");
    this.http = new InetSocketAddress(backend.host(), backend.httpPort());
    this.grpc = new InetSocketAddress(backend.host(), backend.grpcPort());
    this.authorization = backend.secret() == null ? null : "Bearer " + backend.secret();
    this.httpHost = backend.host() + ":" + backend.httpPort();
  }

  GatewaySnapshot.Backend backend() {
    return backend;
  }

  String job() {
    return backend.job();
  }

  int version() {
    return backend.version();
  }

  InetSocketAddress http() {
    return http;
  }

  /** The {@code Host} header for the replica's HTTP port. */
  String httpHost() {
    return httpHost;
  }

  InetSocketAddress grpc() {
    return grpc;
  }

  /** {@code Bearer <secret>}, or null when the replica is open. */
  String authorization() {
    return authorization;
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
    return backend.toString();
  }
}
