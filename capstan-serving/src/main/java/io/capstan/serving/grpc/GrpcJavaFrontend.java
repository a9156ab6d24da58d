package io.capstan.serving.grpc;

import io.capstan.serving.ModelService;
import io.capstan.serving.NettyTransport;
import io.capstan.serving.ReplicaSecret;
import io.capstan.serving.RequestGate;
import io.capstan.serving.grpc.v2.GRPCInferenceServiceGrpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The v2 gRPC protocol on grpc-java's Netty server ({@code --grpc-frontend grpc-java}), kept to
 * compare with our own. Calls run on the transport's threads (direct executor: inference is short
 * and CPU-bound, a hand-off would only add latency). Requests are parsed by the service itself, so
 * malformed protobuf is INVALID_ARGUMENT, not UNKNOWN.
 */
final class GrpcJavaFrontend implements GrpcFrontend {
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Server server;

  /**
   * Binds {@code host:port} (0: a free port) and starts answering, on event loops of its own (not
   * grpc-java's default ones, which gRPC clients in the same process would share).
   */
  GrpcJavaFrontend(
      ModelService service, NettyTransport transport, String host, int port, int maxRequestBytes)
      throws IOException {
    this.boss = transport.group(1);
    this.workers = transport.group(Runtime.getRuntime().availableProcessors());
    try {
      this.server =
          NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
              .channelType(transport.serverChannel())
              .bossEventLoopGroup(boss)
              .workerEventLoopGroup(workers)
              .directExecutor()
              .maxInboundMessageSize(maxRequestBytes)
              .addService(
                  ServerInterceptors.intercept(
                      definition(new InferenceGrpcService(service), service.gate()),
                      new SecretCheck(service.secret())))
              .build()
              .start();
    } catch (IOException | RuntimeException e) {
      shutdownLoops();
      throw e;
    }
  }

  private void shutdownLoops() {
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
  }

  private static ServerServiceDefinition definition(
      InferenceGrpcService service, RequestGate gate) {
    ServerServiceDefinition.Builder builder =
        ServerServiceDefinition.builder(GRPCInferenceServiceGrpc.SERVICE_NAME);
    service.methods().forEach(method -> unary(builder, method, gate));
    return builder.build();
  }

  /** A gated method is admitted once its message has arrived (grpc-java calls no sooner). */
  private static <Q, R> void unary(
      ServerServiceDefinition.Builder builder, UnaryMethod<Q, R> method, RequestGate gate) {
    MethodDescriptor<Q, R> descriptor = method.descriptor();
    MethodDescriptor<Parsed<Q>, R> checked =
        descriptor.toBuilder(
                Parsed.marshaller(descriptor.getRequestMarshaller()),
                descriptor.getResponseMarshaller())
            .build();
    builder.addMethod(
        checked,
        ServerCalls.asyncUnaryCall(
            (Parsed<Q> request, StreamObserver<R> observer) -> {
              UnaryReply<R> reply = UnaryReply.of(observer);
              if (request.error() != null) {
                reply.fail(InferenceGrpcService.malformed(method.bareName(), request.error()));
              } else if (method.gated() && !gate.tryEnter()) {
                reply.fail(InferenceGrpcService.DRAINING);
              } else {
                method.implementation().accept(request.message(), reply);
              }
            }));
  }

  /** Refuses a call without the replica's secret before its message is read. */
  private record SecretCheck(ReplicaSecret secret) implements ServerInterceptor {
    private static final Metadata.Key<String> AUTHORIZATION =
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      String authorization = headers.get(AUTHORIZATION);
      if (!secret.allows(authorization)) {
        call.close(
            Status.UNAUTHENTICATED.withDescription(ReplicaSecret.refusal(authorization != null)),
            new Metadata());
        return new ServerCall.Listener<>() {};
      }
      return next.startCall(call, headers);
    }
  }

  @Override
  public int port() {
    return server.getPort();
  }

  @Override
  public void stopAccepting() {
    server.shutdown();
  }

  /** Waits up to {@code timeout} for started calls, then cancels what is left. */
  @Override
  public void awaitTermination(Duration timeout) throws InterruptedException {
    if (!server.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      server.shutdownNow();
    }
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    shutdownLoops();
  }
}
