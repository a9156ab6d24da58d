package io.capstan.server.serving;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.grpc.CallOptions;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.HandlerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The serving gateway over gRPC: any unary call of {@code inference.GRPCInferenceService} (or any
 * other service the replicas offer) goes, unparsed, to one ready replica of the service named by
 * the metadata {@code capstan-project} and {@code capstan-service}, authenticated by {@code
 * authorization: Bearer <token>} like the API. Replicas are chosen as over HTTP; a call that could
 * not reach its replica ({@code UNAVAILABLE}) is sent to another one.
 */
final class GrpcGateway implements SmartLifecycle {
  static final Metadata.Key<String> PROJECT =
      Metadata.Key.of("capstan-project", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> SERVICE =
      Metadata.Key.of("capstan-service", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> VERSION =
      Metadata.Key.of(HttpGateway.VERSION_HEADER, Metadata.ASCII_STRING_MARSHALLER);

  private static final Logger log = LoggerFactory.getLogger(GrpcGateway.class);
  private static final Context.Key<Target> TARGET = Context.key("capstan-target");
  private static final int ATTEMPTS = 3;
  private static final long FAILED_BACKEND_PAUSE_NANOS = 2_000_000_000L;
  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new BytesMarshaller();

  private final String host;
  private final int port;
  private final int maxMessageBytes;
  private final GatewayAccess access;
  private final ServingRoutes routes;
  private final RequestStats stats;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private volatile Server server;

  GrpcGateway(
      String host,
      int port,
      int maxMessageBytes,
      GatewayAccess access,
      ServingRoutes routes,
      RequestStats stats) {
    this.host = host;
    this.port = port;
    this.maxMessageBytes = maxMessageBytes;
    this.access = access;
    this.routes = routes;
    this.stats = stats;
  }

  /** The port it listens on (the configured one, or the one chosen for port 0). */
  int port() {
    Server current = server;
    return current == null ? port : current.getPort();
  }

  @Override
  public void start() {
    try {
      server =
          NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
              .maxInboundMessageSize(maxMessageBytes)
              .fallbackHandlerRegistry(new ProxyRegistry())
              .intercept(new Authentication())
              .build()
              .start();
      log.info("Serving gateway (gRPC) listening on {}:{}", host, server.getPort());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the gRPC serving gateway on port " + port, e);
    }
  }

  @Override
  public void stop() {
    Server current = server;
    if (current != null) {
      current.shutdown();
      try {
        current.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      current.shutdownNow();
    }
    channels.values().forEach(ManagedChannel::shutdownNow);
    channels.clear();
  }

  @Override
  public boolean isRunning() {
    return server != null && !server.isShutdown();
  }

  private record Target(String project, String service) {}

  /** Checks the token and the service before any message is read; leaves the target in context. */
  private final class Authentication implements ServerInterceptor {
    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
      String project = headers.get(PROJECT);
      String service = headers.get(SERVICE);
      if (project == null || service == null) {
        call.close(
            Status.INVALID_ARGUMENT.withDescription(
                "Expected metadata 'capstan-project' and 'capstan-service' naming the service"),
            new Metadata());
        return new ServerCall.Listener<>() {};
      }
      try {
        access.check(headers.get(AUTHORIZATION), project, service);
      } catch (CapstanException e) {
        Status status =
            e.code() == ErrorCode.UNAUTHENTICATED ? Status.UNAUTHENTICATED : Status.NOT_FOUND;
        call.close(status.withDescription(e.getMessage()), new Metadata());
        return new ServerCall.Listener<>() {};
      }
      Context context = Context.current().withValue(TARGET, new Target(project, service));
      return Contexts.interceptCall(context, call, headers, next);
    }
  }

  /** Answers every method name with the proxy. */
  private final class ProxyRegistry extends HandlerRegistry {
    private final Map<String, ServerMethodDefinition<byte[], byte[]>> methods =
        new ConcurrentHashMap<>();

    @Override
    public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
      return methods.computeIfAbsent(
          methodName,
          name -> {
            MethodDescriptor<byte[], byte[]> descriptor = descriptor(name);
            return ServerMethodDefinition.create(
                descriptor,
                ServerCalls.asyncUnaryCall(
                    (request, responses) -> forward(descriptor, request, responses)));
          });
    }
  }

  private static MethodDescriptor<byte[], byte[]> descriptor(String fullName) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(fullName)
        .setRequestMarshaller(BYTES)
        .setResponseMarshaller(BYTES)
        .build();
  }

  private void forward(
      MethodDescriptor<byte[], byte[]> method, byte[] request, StreamObserver<byte[]> responses) {
    Target target = TARGET.get();
    Route route = routes.find(target.project(), target.service());
    if (route.isEmpty()) {
      responses.onError(
          Status.UNAVAILABLE
              .withDescription("Service '" + target.service() + "' has no replica ready yet")
              .asRuntimeException());
      return;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    new Forwarding(method, request, responses, target, route, route.track(random))
        .next("no replica answered");
  }

  /**
   * One call on its way to a replica, without holding a thread while the replica works: the answer
   * (or the failure that sends it to the next replica) arrives on the channel's callback.
   */
  private final class Forwarding implements StreamObserver<byte[]> {
    private final MethodDescriptor<byte[], byte[]> method;
    private final byte[] request;
    private final StreamObserver<byte[]> responses;
    private final Target target;
    private final Route route;
    private final List<Backend> track;
    private final Set<Backend> tried = new HashSet<>();
    private final long started = System.nanoTime();
    private int attempts;
    private Backend backend;
    private byte[] answer;

    Forwarding(
        MethodDescriptor<byte[], byte[]> method,
        byte[] request,
        StreamObserver<byte[]> responses,
        Target target,
        Route route,
        List<Backend> track) {
      this.method = method;
      this.request = request;
      this.responses = responses;
      this.target = target;
      this.route = route;
      this.track = track;
    }

    void next(String lastFailure) {
      backend =
          attempts < ATTEMPTS
              ? route.pick(track, tried, ThreadLocalRandom.current(), System.nanoTime())
              : null;
      if (backend == null) {
        responses.onError(
            Status.UNAVAILABLE
                .withDescription(
                    "Service '" + target.service() + "' did not answer: " + lastFailure)
                .asRuntimeException());
        return;
      }
      attempts++;
      tried.add(backend);
      backend.begin();
      ClientCalls.asyncUnaryCall(
          channel(backend)
              .newCall(method, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS)),
          request,
          this);
    }

    @Override
    public void onNext(byte[] value) {
      answer = value;
    }

    @Override
    public void onError(Throwable failure) {
      Backend failed = backend;
      failed.end();
      Status status = Status.fromThrowable(failure);
      if (status.getCode() == Status.Code.UNAVAILABLE) {
        failed.markFailed(System.nanoTime(), FAILED_BACKEND_PAUSE_NANOS);
        next(status.getDescription());
        return;
      }
      stats.record(
          target.project(),
          target.service(),
          failed.version(),
          System.nanoTime() - started,
          serverFault(status));
      Metadata trailers = Status.trailersFromThrowable(failure);
      responses.onError(status.withCause(null).asRuntimeException(trailers));
    }

    @Override
    public void onCompleted() {
      backend.end();
      stats.record(
          target.project(),
          target.service(),
          backend.version(),
          System.nanoTime() - started,
          false);
      responses.onNext(answer);
      responses.onCompleted();
    }
  }

  private static boolean serverFault(Status status) {
    return switch (status.getCode()) {
      case INVALID_ARGUMENT,
          NOT_FOUND,
          OUT_OF_RANGE,
          FAILED_PRECONDITION,
          RESOURCE_EXHAUSTED,
          UNAUTHENTICATED,
          PERMISSION_DENIED,
          ALREADY_EXISTS,
          CANCELLED ->
          false;
      default -> true;
    };
  }

  private ManagedChannel channel(Backend backend) {
    String key = backend.grpcHost() + ":" + backend.grpcPort();
    return channels.computeIfAbsent(
        key,
        k ->
            NettyChannelBuilder.forAddress(backend.grpcHost(), backend.grpcPort())
                .usePlaintext()
                // Callbacks only hand the answer back: run them on the event loop, no extra hop.
                .directExecutor()
                .maxInboundMessageSize(maxMessageBytes)
                // Channels to replicas that are gone go idle and close their connections.
                .idleTimeout(1, TimeUnit.MINUTES)
                .build());
  }

  /** Messages pass through as bytes, never parsed. */
  private static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw Status.INTERNAL
            .withDescription("Cannot read a message")
            .withCause(e)
            .asRuntimeException();
      }
    }
  }
}
