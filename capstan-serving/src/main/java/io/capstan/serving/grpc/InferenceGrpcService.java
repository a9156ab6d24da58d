package io.capstan.serving.grpc;

import io.capstan.serving.ModelService;
import io.capstan.serving.ServingException;
import io.capstan.serving.grpc.v2.GRPCInferenceServiceGrpc;
import io.capstan.serving.grpc.v2.ModelInferRequest;
import io.capstan.serving.grpc.v2.ModelInferResponse;
import io.capstan.serving.grpc.v2.ModelMetadataRequest;
import io.capstan.serving.grpc.v2.ModelMetadataResponse;
import io.capstan.serving.grpc.v2.ModelReadyRequest;
import io.capstan.serving.grpc.v2.ModelReadyResponse;
import io.capstan.serving.grpc.v2.ServerLiveRequest;
import io.capstan.serving.grpc.v2.ServerLiveResponse;
import io.capstan.serving.grpc.v2.ServerMetadataRequest;
import io.capstan.serving.grpc.v2.ServerMetadataResponse;
import io.capstan.serving.grpc.v2.ServerReadyRequest;
import io.capstan.serving.grpc.v2.ServerReadyResponse;
import io.capstan.serving.model.ServedModel;
import io.capstan.serving.model.TensorSpec;
import io.grpc.Status;
import io.netty.util.internal.ThreadExecutorMap;
import java.util.List;

/**
 * {@code inference.GRPCInferenceService}: the v2 operations over gRPC, whichever frontend carries
 * the calls ({@link #methods()}).
 */
final class InferenceGrpcService {
  private static final String PROTOCOL = "grpc";

  /** The answer to a gated call that arrives while the server drains. */
  static final Status DRAINING =
      Status.UNAVAILABLE.withDescription("the server is draining and takes no new requests");

  private final ModelService service;

  InferenceGrpcService(ModelService service) {
    this.service = service;
  }

  /** The unary methods served; ModelStreamInfer and anything else is UNIMPLEMENTED. */
  List<UnaryMethod<?, ?>> methods() {
    return List.of(
        new UnaryMethod<>(
            GRPCInferenceServiceGrpc.getServerLiveMethod(),
            ServerLiveRequest.parser(),
            false,
            this::serverLive),
        new UnaryMethod<>(
            GRPCInferenceServiceGrpc.getServerReadyMethod(),
            ServerReadyRequest.parser(),
            false,
            this::serverReady),
        new UnaryMethod<>(
            GRPCInferenceServiceGrpc.getModelReadyMethod(),
            ModelReadyRequest.parser(),
            false,
            this::modelReady),
        new UnaryMethod<>(
            GRPCInferenceServiceGrpc.getServerMetadataMethod(),
            ServerMetadataRequest.parser(),
            false,
            this::serverMetadata),
        new UnaryMethod<>(
            GRPCInferenceServiceGrpc.getModelMetadataMethod(),
            ModelMetadataRequest.parser(),
            false,
            this::modelMetadata),
        new UnaryMethod<>(
            GRPCInferenceServiceGrpc.getModelInferMethod(),
            ModelInferRequest.parser(),
            true,
            this::modelInfer));
  }

  /** The answer to a request message that is not valid protobuf (grpc-java would say UNKNOWN). */
  static Status malformed(String bareMethodName, Throwable cause) {
    return Status.INVALID_ARGUMENT
        .withDescription("malformed protobuf for " + bareMethodName)
        .withCause(cause);
  }

  void serverLive(ServerLiveRequest request, UnaryReply<ServerLiveResponse> response) {
    response.send(ServerLiveResponse.newBuilder().setLive(service.live()).build());
  }

  void serverReady(ServerReadyRequest request, UnaryReply<ServerReadyResponse> response) {
    response.send(ServerReadyResponse.newBuilder().setReady(service.ready()).build());
  }

  void modelReady(ModelReadyRequest request, UnaryReply<ModelReadyResponse> response) {
    try {
      boolean ready = service.modelReady(required(request.getName()), request.getVersion());
      response.send(ModelReadyResponse.newBuilder().setReady(ready).build());
    } catch (RuntimeException e) {
      response.fail(status(e));
    }
  }

  void serverMetadata(ServerMetadataRequest request, UnaryReply<ServerMetadataResponse> response) {
    response.send(
        ServerMetadataResponse.newBuilder()
            .setName(ModelService.SERVER_NAME)
            .setVersion(ModelService.SERVER_VERSION)
            .build());
  }

  void modelMetadata(ModelMetadataRequest request, UnaryReply<ModelMetadataResponse> response) {
    try {
      ServedModel model = service.model(required(request.getName()), request.getVersion());
      ModelMetadataResponse.Builder metadata =
          ModelMetadataResponse.newBuilder()
              .setName(model.name())
              .setPlatform(ModelService.PLATFORM);
      service.registry().versions(model.name()).forEach(v -> metadata.addVersions(v.toString()));
      tensors(model.inputs()).forEach(metadata::addInputs);
      tensors(model.outputs()).forEach(metadata::addOutputs);
      response.send(metadata.build());
    } catch (RuntimeException e) {
      response.fail(status(e));
    }
  }

  /** Gated: the frontend has admitted the call; the gate is exited once it is answered. */
  void modelInfer(ModelInferRequest request, UnaryReply<ModelInferResponse> response) {
    boolean raw = request.getRawInputContentsCount() > 0;
    ServedModel[] used = {null};
    // The connection's event loop (both frontends call on it).
    java.util.concurrent.Executor transport = ThreadExecutorMap.currentExecutor();
    var pending =
        service.infer(
            request.getModelName(),
            request.getModelVersion(),
            PROTOCOL,
            model -> {
              used[0] = model;
              return ProtoTensors.request(request);
            });
    ModelService.reply(
        pending,
        transport,
        (result, error) -> {
          try {
            if (error != null) {
              response.fail(status(error));
              return;
            }
            ModelInferResponse.Builder answer =
                ModelInferResponse.newBuilder()
                    .setModelName(used[0].name())
                    .setModelVersion(Long.toString(used[0].version()))
                    .setId(request.getId());
            ProtoTensors.outputs(answer, result.outputs(), raw);
            response.send(answer.build());
          } finally {
            service.gate().exit();
          }
        });
  }

  private static String required(String name) {
    if (name.isEmpty()) {
      throw ServingException.badRequest("missing field 'name'");
    }
    return name;
  }

  private static List<ModelMetadataResponse.TensorMetadata> tensors(List<TensorSpec> specs) {
    return specs.stream()
        .map(
            spec -> {
              ModelMetadataResponse.TensorMetadata.Builder tensor =
                  ModelMetadataResponse.TensorMetadata.newBuilder()
                      .setName(spec.name())
                      .setDatatype(spec.datatype().name());
              for (long dim : spec.shape()) {
                tensor.addShape(dim);
              }
              return tensor.build();
            })
        .toList();
  }

  static Status status(Throwable error) {
    ServingException e = ModelService.error(error);
    return Status.fromCode(e.kind().grpcCode()).withDescription(e.getMessage());
  }
}
