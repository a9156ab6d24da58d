package io.capstan.serving.grpc;

import static io.capstan.serving.grpc.MlpRequests.raw;
import static io.capstan.serving.grpc.MlpRequests.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.ByteString;
import io.capstan.serving.ServerOptions;
import io.capstan.serving.TestingModels;
import io.capstan.serving.TestingServer;
import io.capstan.serving.grpc.v2.GRPCInferenceServiceGrpc;
import io.capstan.serving.grpc.v2.InferTensorContents;
import io.capstan.serving.grpc.v2.ModelInferRequest;
import io.capstan.serving.grpc.v2.ModelInferResponse;
import io.capstan.serving.grpc.v2.ModelMetadataRequest;
import io.capstan.serving.grpc.v2.ModelMetadataResponse;
import io.capstan.serving.grpc.v2.ModelReadyRequest;
import io.capstan.serving.grpc.v2.ServerLiveRequest;
import io.capstan.serving.grpc.v2.ServerMetadataRequest;
import io.capstan.serving.grpc.v2.ServerReadyRequest;
import io.capstan.serving.model.ModelSpec;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * KServe v2 gRPC conformance: every RPC of inference.GRPCInferenceService and its errors, through
 * grpc-java's stub, against both frontends.
 */
@ParameterizedClass
@EnumSource(GrpcFrontend.Kind.class)
class GrpcProtocolIT {
  private static TestingServer server;

  @Parameter GrpcFrontend.Kind frontend;

  @BeforeParameterizedClassInvocation
  static void start(GrpcFrontend.Kind frontend) {
    server =
        new TestingServer(
            ServerOptions.of(
                    List.of(
                        new ModelSpec("mlp", 1, TestingModels.mlp()),
                        new ModelSpec("mlp", 3, TestingModels.mlp())))
                .withMaxRequestBytes(64 * 1024)
                .withGrpcFrontend(frontend));
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    server.close();
  }

  @Test
  void serverLiveReadyAndMetadata() {
    assertThat(server.grpc().serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
    assertThat(server.grpc().serverReady(ServerReadyRequest.getDefaultInstance()).getReady())
        .isTrue();
    var metadata = server.grpc().serverMetadata(ServerMetadataRequest.getDefaultInstance());
    assertThat(metadata.getName()).isEqualTo("capstan-model-server");
    assertThat(metadata.getVersion()).isNotEmpty();
  }

  @Test
  void modelMetadataWithAndWithoutVersion() {
    for (String version : List.of("", "1", "3")) {
      ModelMetadataResponse metadata =
          server
              .grpc()
              .modelMetadata(
                  ModelMetadataRequest.newBuilder().setName("mlp").setVersion(version).build());
      assertThat(metadata.getName()).isEqualTo("mlp");
      assertThat(metadata.getVersionsList()).containsExactly("1", "3");
      assertThat(metadata.getPlatform()).isEqualTo("onnxruntime_onnx");
      assertThat(metadata.getInputs(0).getName()).isEqualTo("input");
      assertThat(metadata.getInputs(0).getDatatype()).isEqualTo("FP32");
      assertThat(metadata.getInputs(0).getShapeList()).containsExactly(-1L, 8L);
      assertThat(metadata.getOutputs(0).getShapeList()).containsExactly(-1L, 1L);
    }
    assertStatus(
        () -> server.grpc().modelMetadata(ModelMetadataRequest.newBuilder().setName("no").build()),
        Status.Code.NOT_FOUND,
        "unknown model 'no'");
    assertStatus(
        () -> server.grpc().modelMetadata(ModelMetadataRequest.getDefaultInstance()),
        Status.Code.INVALID_ARGUMENT,
        "missing field 'name'");
  }

  @Test
  void modelReadyWithAndWithoutVersion() {
    assertThat(
            server
                .grpc()
                .modelReady(ModelReadyRequest.newBuilder().setName("mlp").build())
                .getReady())
        .isTrue();
    assertThat(
            server
                .grpc()
                .modelReady(ModelReadyRequest.newBuilder().setName("mlp").setVersion("1").build())
                .getReady())
        .isTrue();
    assertStatus(
        () ->
            server
                .grpc()
                .modelReady(ModelReadyRequest.newBuilder().setName("mlp").setVersion("2").build()),
        Status.Code.NOT_FOUND,
        "unknown version '2'");
  }

  @Test
  void inferWithTypedContents() {
    TestingModels.Reference reference = TestingModels.reference();
    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
    for (float value : reference.flatInput()) {
      contents.addFp32Contents(value);
    }
    ModelInferRequest.Builder request = request("", reference.inputs().size()).setId("g-1");
    request.getInputsBuilder(0).setContents(contents);
    ModelInferResponse response = server.grpc().modelInfer(request.build());
    assertThat(response.getModelName()).isEqualTo("mlp");
    assertThat(response.getModelVersion()).isEqualTo("3");
    assertThat(response.getId()).isEqualTo("g-1");
    assertThat(response.getRawOutputContentsCount()).isZero();
    ModelInferResponse.InferOutputTensor output = response.getOutputs(0);
    assertThat(output.getName()).isEqualTo("output");
    assertThat(output.getDatatype()).isEqualTo("FP32");
    assertThat(output.getShapeList()).containsExactly((long) reference.outputs().size(), 1L);
    float[] expected = reference.flatOutput();
    for (int i = 0; i < expected.length; i++) {
      assertThat(output.getContents().getFp32Contents(i)).isCloseTo(expected[i], within(1e-5f));
    }
  }

  @Test
  void inferWithRawInputContentsAnswersRawOutputContents() {
    TestingModels.Reference reference = TestingModels.reference();
    ModelInferRequest request =
        request("1", reference.inputs().size())
            .addRawInputContents(raw(reference.flatInput()))
            .build();
    ModelInferResponse response = server.grpc().modelInfer(request);
    assertThat(response.getModelVersion()).isEqualTo("1");
    assertThat(response.getOutputs(0).hasContents()).isFalse();
    ByteBuffer out =
        response.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    float[] expected = reference.flatOutput();
    assertThat(out.remaining()).isEqualTo(expected.length * 4);
    for (float value : expected) {
      assertThat(out.getFloat()).isCloseTo(value, within(1e-5f));
    }
  }

  @Test
  void badInputIsInvalidArgument() {
    ByteString row = raw(new float[8]);
    assertStatus(
        () -> server.grpc().modelInfer(single("input", "FP32", 2, 4, row)),
        Status.Code.INVALID_ARGUMENT,
        "to have shape [-1, 8]");
    assertStatus(
        () ->
            server
                .grpc()
                .modelInfer(single("input", "INT32", 1, 8, ByteString.copyFrom(new byte[32]))),
        Status.Code.INVALID_ARGUMENT,
        "datatype FP32, but was INT32");
    assertStatus(
        () ->
            server
                .grpc()
                .modelInfer(single("input", "FP32", 1, 8, ByteString.copyFrom(new byte[7]))),
        Status.Code.INVALID_ARGUMENT,
        "has 7 bytes");
    assertStatus(
        () -> server.grpc().modelInfer(single("wrong", "FP32", 1, 8, row)),
        Status.Code.INVALID_ARGUMENT,
        "missing input 'input'");
    assertStatus(
        () -> server.grpc().modelInfer(single("input", "FP64", 1, 8, row)),
        Status.Code.INVALID_ARGUMENT,
        "has 32 bytes, but its shape and datatype FP64 need 64");
    assertStatus(
        () -> server.grpc().modelInfer(single("input", "UINT32", 1, 8, row)),
        Status.Code.INVALID_ARGUMENT,
        "inputs[0].datatype");
  }

  /** An MLP request with one input of the given header and raw contents. */
  private static ModelInferRequest single(
      String name, String datatype, long rows, long columns, ByteString contents) {
    return ModelInferRequest.newBuilder()
        .setModelName("mlp")
        .addInputs(
            ModelInferRequest.InferInputTensor.newBuilder()
                .setName(name)
                .setDatatype(datatype)
                .addShape(rows)
                .addShape(columns))
        .addRawInputContents(contents)
        .build();
  }

  @Test
  void unknownModelOrVersionIsNotFound() {
    float[] row = new float[8];
    assertStatus(
        () ->
            server
                .grpc()
                .modelInfer(
                    request("", 1).setModelName("ghost").addRawInputContents(raw(row)).build()),
        Status.Code.NOT_FOUND,
        "unknown model 'ghost'");
    assertStatus(
        () -> server.grpc().modelInfer(request("4", 1).addRawInputContents(raw(row)).build()),
        Status.Code.NOT_FOUND,
        "unknown version '4'");
  }

  @Test
  void malformedProtobufIsInvalidArgumentAndOversizedIsResourceExhausted() {
    MethodDescriptor<byte[], byte[]> infer =
        GRPCInferenceServiceGrpc.getModelInferMethod().toBuilder(
                RawBytes.INSTANCE, RawBytes.INSTANCE)
            .build();
    assertStatus(
        () ->
            ClientCalls.blockingUnaryCall(
                server.channel(), infer, CallOptions.DEFAULT, new byte[] {(byte) 0xff, 0x01, 0x02}),
        Status.Code.INVALID_ARGUMENT,
        "malformed protobuf");
    assertStatus(
        () ->
            server
                .grpc()
                .modelInfer(
                    request("", 4000).addRawInputContents(raw(new float[8 * 4000])).build()),
        Status.Code.RESOURCE_EXHAUSTED,
        "");
    // The server keeps serving after bad requests.
    assertThat(
            server
                .grpc()
                .modelInfer(request("", 1).addRawInputContents(raw(new float[8])).build())
                .getOutputsCount())
        .isEqualTo(1);
  }

  private static void assertStatus(Executable call, Status.Code code, String message) {
    assertThatThrownBy(call::execute)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(code);
              assertThat(String.valueOf(e.getStatus().getDescription())).contains(message);
            });
  }
}
