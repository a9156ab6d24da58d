package io.capstan.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.serving.ModelServer;
import io.capstan.serving.ServerOptions;
import io.capstan.serving.grpc.v2.GRPCInferenceServiceGrpc;
import io.capstan.serving.grpc.v2.ModelInferRequest;
import io.capstan.serving.grpc.v2.ModelInferResponse;
import io.capstan.serving.model.ModelSpec;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bench's lean gRPC client gets the same answers as grpc-java's stub from the model server. */
class LeanGrpcIT {
  private static final String INFER = "/inference.GRPCInferenceService/ModelInfer";

  private static ModelServer server;
  private static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    Path work = Files.createTempDirectory("lean-grpc-it");
    TrainedMlp.train(TrainedMlp.home(), work);
    server =
        ModelServer.start(
            ServerOptions.of(List.of(new ModelSpec("mlp", 1, work.resolve("output/model.onnx")))),
            new PrintStream(OutputStream.nullOutputStream()));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    server.close();
  }

  @Test
  void sameAnswerAsTheStubCallAfterCall() throws Exception {
    ModelInferRequest request = TrainedMlp.payload().grpc().toBuilder().setId("r1").build();
    ModelInferResponse expected =
        GRPCInferenceServiceGrpc.newBlockingStub(channel).modelInfer(request);
    try (LeanGrpc client =
        new LeanGrpc("127.0.0.1", server.grpcPort(), INFER, request.toByteArray())) {
      for (int i = 0; i < 200; i++) { // many streams on one connection: ids and HPACK state
        assertThat(ModelInferResponse.parseFrom(client.call())).isEqualTo(expected);
      }
    }
    assertThat(expected.getId()).isEqualTo("r1");
    assertThat(expected.getRawOutputContentsCount()).isEqualTo(1);
  }

  @Test
  void sameStatusAsTheStubAndTheConnectionStaysUsable() throws Exception {
    ModelInferRequest unknown =
        TrainedMlp.payload().grpc().toBuilder().setModelName("nope").build();
    StatusRuntimeException stub =
        org.junit.jupiter.api.Assertions.assertThrows(
            StatusRuntimeException.class,
            () -> GRPCInferenceServiceGrpc.newBlockingStub(channel).modelInfer(unknown));
    assertThat(stub.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    try (LeanGrpc client =
        new LeanGrpc("127.0.0.1", server.grpcPort(), INFER, unknown.toByteArray())) {
      for (int i = 0; i < 3; i++) {
        assertThatThrownBy(client::call)
            .isInstanceOfSatisfying(
                LeanGrpc.StatusException.class,
                e -> assertThat(e.code()).isEqualTo(Status.Code.NOT_FOUND.value()))
            .hasMessageContaining("nope");
      }
    }
  }
}
