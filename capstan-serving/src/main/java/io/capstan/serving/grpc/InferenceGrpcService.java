package io.capstan.serving.grpc;

import io.capstan.serving.ModelService;
import io.capstan.serving.ServingException;
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
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.netty.util.internal.ThreadExecutorMap;
import java.util.List;

/** {@code inference.GRPCInferenceService}: the v2 operations over gRPC. */
final class InferenceGrpcService {
  private static final String PROTOCOL = "grpc";

  private final ModelService service;

  InferenceGrpcService(ModelService service) {
    this.service = service;
  }

  void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> response) {
    reply(response, ServerLiveResponse.newBuilder().setLive(service.live()).build());
  }

  void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> response) {
    reply(response, ServerReadyResponse.newBuilder().setReady(service.ready()).build());
  }

  void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> response) {
    try {
      boolean ready = service.modelReady(required(request.getName()), request.getVersion());
      reply(response, ModelReadyResponse.newBuilder().setReady(ready).build());
    } catch (RuntimeException e) {
      response.onError(status(e));
    }
  }

  void serverMetadata(
      ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> response) {
    reply(
        response,
        ServerMetadataResponse.newBuilder()
            .setName(ModelService.SERVER_NAME)
            .setVersion(ModelService.SERVER_VERSION)
            .build());
  }

  void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> response) {
    try {
      ServedModel model = service.model(required(request.getName()), request.getVersion());
      ModelMetadataResponse.Builder metadata =
          ModelMetadataResponse.newBuilder()
              .setName(model.name())
              .setPlatform(ModelService.PLATFORM);
      service.registry().versions(model.name()).forEach(v -> metadata.addVersions(v.toString()));
      tensors(model.inputs()).forEach(metadata::addInputs);
      tensors(model.outputs()).forEach(metadata::addOutputs);
      reply(response, metadata.build());
    } catch (RuntimeException e) {
      response.onError(status(e));
    }
  }

  void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> response) {
    if (!service.gate().tryEnter()) {
      response.onError(
          Status.UNAVAILABLE
              .withDescription("the server is draining and takes no new requests")
              .asRuntimeException());
      return;
    }
    boolean raw = request.getRawInputContentsCount() > 0;
    ServedModel[] used = {null};
    // With the direct executor this is the connection's event loop.
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
              response.onError(status(error));
              return;
            }
            ModelInferResponse.Builder answer =
                ModelInferResponse.newBuilder()
                    .setModelName(used[0].name())
                    .setModelVersion(Long.toString(used[0].version()))
                    .setId(request.getId());
            ProtoTensors.outputs(answer, result.outputs(), raw);
            reply(response, answer.build());
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

  private static <T> void reply(StreamObserver<T> response, T value) {
    response.onNext(value);
    response.onCompleted();
  }

  static StatusRuntimeException status(Throwable error) {
    ServingException e = ModelService.error(error);
    return Status.fromCode(e.kind().grpcCode())
        .withDescription(e.getMessage())
        .asRuntimeException();
  }
}
