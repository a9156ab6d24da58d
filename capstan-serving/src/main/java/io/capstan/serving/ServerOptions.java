package io.capstan.serving;

import static java.util.Objects.requireNonNull;

import io.capstan.serving.batching.BatchingOptions;
import io.capstan.serving.grpc.GrpcFrontend;
import io.capstan.serving.model.ModelSpec;
import io.capstan.serving.model.SessionSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything a model server is started with (see {@link ServerOptionsParser} for the flags).
 *
 * @param portsFile where to write {@code http=PORT\ngrpc=PORT\n} once both listen; may be null
 * @param nio listen on Netty's NIO transport even where native epoll is available
 * @param grpcFrontend which implementation answers gRPC: our own on Netty's HTTP/2 codec, or
 *     grpc-java's server
 */
public record ServerOptions(
    List<ModelSpec> models,
    String host,
    int httpPort,
    int grpcPort,
    Path portsFile,
    BatchingOptions batching,
    SessionSettings session,
    Duration drainTimeout,
    int maxRequestBytes,
    boolean nio,
    GrpcFrontend.Kind grpcFrontend) {
  public static final int DEFAULT_MAX_REQUEST_BYTES = 64 * 1024 * 1024;
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

  public ServerOptions {
    models = List.copyOf(models);
    requireNonNull(host, "host is null");
    requireNonNull(batching, "batching is null");
    requireNonNull(session, "session is null");
    requireNonNull(drainTimeout, "drainTimeout is null");
    requireNonNull(grpcFrontend, "grpcFrontend is null");
    if (models.isEmpty()) {
      throw new IllegalArgumentException("expected at least one --model NAME:VERSION=PATH");
    }
  }

  /** Defaults for everything but the models: loopback, free ports, batching on, one thread. */
  public static ServerOptions of(List<ModelSpec> models) {
    return new ServerOptions(
        models,
        "127.0.0.1",
        0,
        0,
        null,
        BatchingOptions.defaults(),
        new SessionSettings(1, 1),
        DEFAULT_DRAIN_TIMEOUT,
        DEFAULT_MAX_REQUEST_BYTES,
        false,
        GrpcFrontend.Kind.NETTY);
  }

  public ServerOptions withBatching(BatchingOptions batching) {
    return new ServerOptions(
        models,
        host,
        httpPort,
        grpcPort,
        portsFile,
        batching,
        session,
        drainTimeout,
        maxRequestBytes,
        nio,
        grpcFrontend);
  }

  public ServerOptions withMaxRequestBytes(int maxRequestBytes) {
    return new ServerOptions(
        models,
        host,
        httpPort,
        grpcPort,
        portsFile,
        batching,
        session,
        drainTimeout,
        maxRequestBytes,
        nio,
        grpcFrontend);
  }

  public ServerOptions withGrpcFrontend(GrpcFrontend.Kind grpcFrontend) {
    return new ServerOptions(
        models,
        host,
        httpPort,
        grpcPort,
        portsFile,
        batching,
        session,
        drainTimeout,
        maxRequestBytes,
        nio,
        grpcFrontend);
  }

  public ServerOptions withDrainTimeout(Duration drainTimeout) {
    return new ServerOptions(
        models,
        host,
        httpPort,
        grpcPort,
        portsFile,
        batching,
        session,
        drainTimeout,
        maxRequestBytes,
        nio,
        grpcFrontend);
  }
}
