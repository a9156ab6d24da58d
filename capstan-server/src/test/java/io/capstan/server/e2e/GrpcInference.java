package io.capstan.server.e2e;

import io.capstan.serving.grpc.v2.GRPCInferenceServiceGrpc;
import io.capstan.serving.grpc.v2.InferTensorContents;
import io.capstan.serving.grpc.v2.ModelInferRequest;
import io.capstan.serving.grpc.v2.ModelInferResponse;
import io.capstan.serving.grpc.v2.ModelMetadataRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** A KServe v2 gRPC client, as Triton's and KServe's clients are, talking to the gateway. */
final class GrpcInference {
  private GrpcInference() {}

  /**
   * Infers {@code rows} (FP32) and answers {@code {model_version, outputs: [{data}]}} like the HTTP
   * protocol, from typed contents or raw output contents.
   */
  static JsonNode infer(
      String target,
      String token,
      String project,
      String service,
      String model,
      String input,
      JsonNode rows) {
    ManagedChannel channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
    try {
      InferTensorContents.Builder contents = InferTensorContents.newBuilder();
      rows.forEach(row -> row.forEach(value -> contents.addFp32Contents((float) value.asDouble())));
      ModelInferRequest request =
          ModelInferRequest.newBuilder()
              .setModelName(model)
              .addInputs(
                  ModelInferRequest.InferInputTensor.newBuilder()
                      .setName(input)
                      .setDatatype("FP32")
                      .addShape(rows.size())
                      .addShape(rows.get(0).size())
                      .setContents(contents))
              .build();
      ModelInferResponse response = stub(channel, token, project, service).modelInfer(request);
      ObjectNode answer = JsonMapper.builder().build().createObjectNode();
      answer.put("model_version", response.getModelVersion());
      ArrayNode data = answer.putArray("outputs").addObject().putArray("data");
      if (response.getRawOutputContentsCount() > 0) {
        ByteBuffer raw =
            response.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        while (raw.remaining() >= Float.BYTES) {
          data.add(raw.getFloat());
        }
      } else {
        response.getOutputs(0).getContents().getFp32ContentsList().forEach(data::add);
      }
      return answer;
    } finally {
      close(channel);
    }
  }

  /** The status code the gateway answers for a service that does not exist. */
  static String statusOfUnknownService(String target, String token, String project) {
    return statusOf(target, token, project, "no-such-service");
  }

  /** The status code the gateway answers a call without a token. */
  static String statusWithoutToken(String target, String project, String service) {
    return statusOf(target, null, project, service);
  }

  private static String statusOf(String target, String token, String project, String service) {
    ManagedChannel channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
    try {
      stub(channel, token, project, service)
          .modelMetadata(ModelMetadataRequest.newBuilder().setName("churn").build());
      return "OK";
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode().name();
    } finally {
      close(channel);
    }
  }

  private static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub(
      ManagedChannel channel, String token, String project, String service) {
    Metadata headers = new Metadata();
    if (token != null) {
      headers.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    }
    headers.put(Metadata.Key.of("capstan-project", Metadata.ASCII_STRING_MARSHALLER), project);
    headers.put(Metadata.Key.of("capstan-service", Metadata.ASCII_STRING_MARSHALLER), service);
    return GRPCInferenceServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static void close(ManagedChannel channel) {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
