package io.capstan.serving.grpc;

import io.capstan.serving.ModelService;
import io.capstan.serving.NettyTransport;
import io.capstan.serving.grpc.v2.GRPCInferenceServiceGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
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
import java.util.function.BiConsumer;

/**
 * The v2 gRPC protocol on grpc-java's Netty transport. Calls run on the transport's threads (direct
 * executor: inference is short and CPU-bound, a hand-off would only add latency). Requests are
 * parsed by the service itself, so malformed protobuf is INVALID_ARGUMENT, not UNKNOWN.
 */
public final class GrpcFrontend implements AutoCloseable {
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Server server;

  /**
   * Binds {@code host:port} (0: a free port) and starts answering, on event loops of its own (not
   * grpc-java's default ones, which gRPC clients in the same process would share).
   */
  public GrpcFrontend(
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
              .addService(definition(new InferenceGrpcService(service)))
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

  private static ServerServiceDefinition definition(InferenceGrpcService service) {
    ServerServiceDefinition.Builder builder =
        ServerServiceDefinition.builder(GRPCInferenceServiceGrpc.SERVICE_NAME);
    unary(builder, GRPCInferenceServiceGrpc.getServerLiveMethod(), service::serverLive);
    unary(builder, GRPCInferenceServiceGrpc.getServerReadyMethod(), service::serverReady);
    unary(builder, GRPCInferenceServiceGrpc.getModelReadyMethod(), service::modelReady);
    unary(builder, GRPCInferenceServiceGrpc.getServerMetadataMethod(), service::serverMetadata);
    unary(builder, GRPCInferenceServiceGrpc.getModelMetadataMethod(), service::modelMetadata);
    unary(builder, GRPCInferenceServiceGrpc.getModelInferMethod(), service::modelInfer);
    return builder.build();
  }

  private static <Q, R> void unary(
      ServerServiceDefinition.Builder builder,
      MethodDescriptor<Q, R> method,
      BiConsumer<Q, StreamObserver<R>> implementation) {
    MethodDescriptor<Parsed<Q>, R> checked =
        method.toBuilder(
                Parsed.marshaller(method.getRequestMarshaller()), method.getResponseMarshaller())
            .build();
    builder.addMethod(
        checked,
        ServerCalls.asyncUnaryCall(
            (Parsed<Q> request, StreamObserver<R> response) -> {
              if (request.error() != null) {
                response.onError(
                    Status.INVALID_ARGUMENT
                        .withDescription("malformed protobuf for " + method.getBareMethodName())
                        .withCause(request.error())
                        .asRuntimeException());
                return;
              }
              implementation.accept(request.message(), response);
            }));
  }

  public int port() {
    return server.getPort();
  }

  /** Refuses new calls; calls already started run to their end. */
  public void stopAccepting() {
    server.shutdown();
  }

  /** Waits up to {@code timeout} for started calls, then cancels what is left. */
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
