package io.capstan.serving;

import static java.util.Objects.requireNonNull;

import io.capstan.serving.batching.BatchingOptions;
import io.capstan.serving.grpc.GrpcFrontend;
import io.capstan.serving.model.ModelSpec;
import io.capstan.serving.model.SessionSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Everything a model server is started with (see {@link ServerOptionsParser} for the flags).
 *
 * @param portsFile where to write {@code http=PORT\ngrpc=PORT\n} once both listen; may be null
 * @param nio listen on Netty's NIO transport even where native epoll is available
 * @param grpcFrontend which implementation answers gRPC: our own on Netty's HTTP/2 codec, or
 *     grpc-java's server
 * @param secret what every request must carry ({@link ReplicaSecret}; from {@code
 *     CAPSTAN_SERVING_SECRET}, open without it)
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
    GrpcFrontend.Kind grpcFrontend,
    ReplicaSecret secret) {
  public static final int DEFAULT_MAX_REQUEST_BYTES = 64 * 1024 * 1024;
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

  public ServerOptions {
    models = List.copyOf(models);
    requireNonNull(host, "host is null");
    requireNonNull(batching, "batching is null");
    requireNonNull(session, "session is null");
    requireNonNull(drainTimeout, "drainTimeout is null");
    requireNonNull(grpcFrontend, "grpcFrontend is null");
    requireNonNull(secret, "secret is null");
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
        GrpcFrontend.Kind.NETTY,
        ReplicaSecret.of(null));
  }

  public ServerOptions withBatching(BatchingOptions batching) {
    return copy(c -> c.batching = batching);
  }

  public ServerOptions withMaxRequestBytes(int maxRequestBytes) {
    return copy(c -> c.maxRequestBytes = maxRequestBytes);
  }

  public ServerOptions withGrpcFrontend(GrpcFrontend.Kind grpcFrontend) {
    return copy(c -> c.grpcFrontend = grpcFrontend);
  }

  public ServerOptions withSecret(ReplicaSecret secret) {
    return copy(c -> c.secret = secret);
  }

  public ServerOptions withDrainTimeout(Duration drainTimeout) {
    return copy(c -> c.drainTimeout = drainTimeout);
  }

  /** These options with what {@code change} sets; validated again, as every instance is. */
  private ServerOptions copy(Consumer<Components> change) {
    Components c = new Components(this);
    change.accept(c);
    return new ServerOptions(
        c.models,
        c.host,
        c.httpPort,
        c.grpcPort,
        c.portsFile,
        c.batching,
        c.session,
        c.drainTimeout,
        c.maxRequestBytes,
        c.nio,
        c.grpcFrontend,
        c.secret);
  }

  /** The components as fields a wither sets, so that one constructor call serves every wither. */
  private static final class Components {
    private final List<ModelSpec> models;
    private final String host;
    private final int httpPort;
    private final int grpcPort;
    private final Path portsFile;
    private BatchingOptions batching;
    private final SessionSettings session;
    private Duration drainTimeout;
    private int maxRequestBytes;
    private final boolean nio;
    private GrpcFrontend.Kind grpcFrontend;
    private ReplicaSecret secret;

    Components(ServerOptions o) {
      models = o.models;
      host = o.host;
      httpPort = o.httpPort;
      grpcPort = o.grpcPort;
      portsFile = o.portsFile;
      batching = o.batching;
      session = o.session;
      drainTimeout = o.drainTimeout;
      maxRequestBytes = o.maxRequestBytes;
      nio = o.nio;
      grpcFrontend = o.grpcFrontend;
      secret = o.secret;
    }
  }
}
