package io.capstan.serving.grpc;

import io.capstan.serving.ModelService;
import io.capstan.serving.grpc.v2.GRPCInferenceServiceGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
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
  private final Server server;

  /** Binds {@code host:port} (0: a free port) and starts answering. */
  public GrpcFrontend(ModelService service, String host, int port, int maxRequestBytes)
      throws IOException {
    this.server =
        NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
            .directExecutor()
            .maxInboundMessageSize(maxRequestBytes)
            .addService(definition(new InferenceGrpcService(service)))
            .build()
            .start();
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
    MethodDescriptor<byte[], R> bytes =
        method.toBuilder(RawBytes.INSTANCE, method.getResponseMarshaller()).build();
    builder.addMethod(
        bytes,
        ServerCalls.asyncUnaryCall(
            (byte[] body, StreamObserver<R> response) -> {
              Q request;
              try {
                request = method.parseRequest(new ByteArrayInputStream(body));
              } catch (RuntimeException e) {
                response.onError(
                    Status.INVALID_ARGUMENT
                        .withDescription("malformed protobuf for " + method.getBareMethodName())
                        .asRuntimeException());
                return;
              }
              implementation.accept(request, response);
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
  }
}
