package io.capstan.serving.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.serving.NettyLeakWatch;
import io.capstan.serving.ServerOptions;
import io.capstan.serving.TestingModels;
import io.capstan.serving.TestingServer;
import io.capstan.serving.grpc.v2.ModelInferRequest;
import io.capstan.serving.grpc.v2.ModelInferResponse;
import io.capstan.serving.grpc.v2.ModelMetadataRequest;
import io.capstan.serving.grpc.v2.ServerLiveResponse;
import io.capstan.serving.model.ModelSpec;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our HTTP/2 frontend at the frame level, for what grpc-java's stub cannot send or show: content
 * types, compression, split and concurrent streams, early answers, resets and GOAWAY on drain.
 */
class NettyGrpcFrontendIT {
  private static final int LIMIT = 8 * 1024 * 1024;

  private static NettyLeakWatch leaks;
  private static TestingServer server;

  @BeforeAll
  static void start() {
    leaks = new NettyLeakWatch();
    server = new TestingServer(options()); // the netty frontend is the default
  }

  private static ServerOptions options() {
    return ServerOptions.of(List.of(new ModelSpec("mlp", 1, TestingModels.mlp())))
        .withMaxRequestBytes(LIMIT);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    server.close();
    try (NettyLeakWatch watch = leaks) {
      watch.assertNoLeaks();
    }
  }

  private static RawHttp2Connection connect() throws IOException {
    return new RawHttp2Connection(server.server().grpcPort());
  }

  @Test
  void answersWithHeadersOneMessageAndTrailers() throws Exception {
    assertThat(server.log()).contains("netty gRPC frontend");
    try (RawHttp2Connection h2 = connect()) {
      h2.unary(1, "ServerLive", new byte[0]);
      RawHttp2Connection.Response response = h2.response(1);
      assertThat(response.headerBlocks()).hasSize(2);
      assertThat(response.httpStatus()).isEqualTo("200");
      assertThat(response.headerBlocks().get(0).get("content-type").toString())
          .isEqualTo("application/grpc");
      assertThat(response.grpcStatus()).isZero();
      assertThat(ServerLiveResponse.parseFrom(response.message()).getLive()).isTrue();
    }
  }

  @Test
  void anotherContentTypeIsHttp415AndAnotherMethodHttp405() throws Exception {
    try (RawHttp2Connection h2 = connect()) {
      h2.headers(1, RawHttp2Connection.call("ServerLive").set("content-type", "text/json"), false);
      h2.data(1, RawHttp2Connection.prefixed(new byte[0]), true);
      RawHttp2Connection.Response json = h2.response(1);
      assertThat(json.httpStatus()).isEqualTo("415");
      assertThat(json.grpcStatus()).isEqualTo(Status.Code.INTERNAL.value());
      assertThat(json.grpcMessage()).contains("text/json");

      h2.headers(3, RawHttp2Connection.call("ServerLive").method("GET"), true);
      assertThat(h2.response(3).httpStatus()).isEqualTo("405");

      h2.headers(
          5,
          RawHttp2Connection.call("ServerLive").set("content-type", "application/grpc+proto"),
          false);
      h2.data(5, RawHttp2Connection.prefixed(new byte[0]), true);
      assertThat(h2.response(5).grpcStatus()).isZero();
    }
  }

  @Test
  void unknownMethodsAndServicesAreUnimplemented() throws Exception {
    try (RawHttp2Connection h2 = connect()) {
      int stream = 1;
      for (String path :
          List.of(
              RawHttp2Connection.SERVICE + "ModelStreamInfer",
              RawHttp2Connection.SERVICE + "Nope",
              "/other.Service/ServerLive")) {
        h2.headers(stream, RawHttp2Connection.call("x").path(path), false);
        h2.data(stream, RawHttp2Connection.prefixed(new byte[0]), true);
        RawHttp2Connection.Response response = h2.response(stream);
        assertThat(response.httpStatus()).isEqualTo("200");
        assertThat(response.grpcStatus()).isEqualTo(Status.Code.UNIMPLEMENTED.value());
        assertThat(response.grpcMessage()).contains("Method not found").contains(path);
        stream += 2;
      }
    }
  }

  @Test
  void compressionIsRefused() throws Exception {
    byte[] request = MlpRequests.zeros("c", 1).toByteArray();
    try (RawHttp2Connection h2 = connect()) {
      h2.headers(1, RawHttp2Connection.call("ModelInfer"), false);
      h2.data(1, RawHttp2Connection.prefixed(1, request.length, request), true);
      RawHttp2Connection.Response flagged = h2.response(1);
      assertThat(flagged.grpcStatus()).isEqualTo(Status.Code.INTERNAL.value());
      assertThat(flagged.grpcMessage()).contains("compression");

      h2.headers(3, RawHttp2Connection.call("ModelInfer").set("grpc-encoding", "gzip"), false);
      h2.data(3, RawHttp2Connection.prefixed(request), true);
      RawHttp2Connection.Response gzip = h2.response(3);
      assertThat(gzip.grpcStatus()).isEqualTo(Status.Code.UNIMPLEMENTED.value());
      assertThat(gzip.grpcMessage()).contains("gzip");

      h2.headers(5, RawHttp2Connection.call("ModelInfer").set("grpc-encoding", "identity"), false);
      h2.data(5, RawHttp2Connection.prefixed(request), true);
      assertThat(h2.response(5).grpcStatus()).isZero();
    }
  }

  @Test
  void aMessageSplitOverSeveralFramesAndEndedByAnEmptyFrameOrTrailers() throws Exception {
    ModelInferRequest request = MlpRequests.zeros("split", 3);
    ModelInferResponse expected = server.grpc().modelInfer(request);
    byte[] bytes = RawHttp2Connection.prefixed(request.toByteArray());
    try (RawHttp2Connection h2 = connect()) {
      h2.headers(1, RawHttp2Connection.call("ModelInfer"), false);
      h2.data(1, Arrays.copyOfRange(bytes, 0, 3), false); // part of the prefix
      h2.data(1, Arrays.copyOfRange(bytes, 3, 20), false);
      h2.data(1, Arrays.copyOfRange(bytes, 20, bytes.length), false);
      h2.data(1, new byte[0], true);
      assertThat(ModelInferResponse.parseFrom(h2.response(1).message())).isEqualTo(expected);

      h2.headers(3, RawHttp2Connection.call("ModelInfer").set("grpc-timeout", "5S"), false);
      h2.data(3, bytes, false);
      h2.headers(3, new DefaultHttp2Headers(), true); // ended by (empty) trailers
      assertThat(ModelInferResponse.parseFrom(h2.response(3).message())).isEqualTo(expected);
    }
  }

  @Test
  void aDeclaredLengthOverTheLimitIsAnsweredBeforeTheBodyArrives() throws Exception {
    try (RawHttp2Connection h2 = connect()) {
      h2.headers(1, RawHttp2Connection.call("ModelInfer"), false);
      h2.data(1, RawHttp2Connection.prefixed(0, LIMIT + 1, new byte[100]), false);
      RawHttp2Connection.Response response = h2.response(1);
      assertThat(response.grpcStatus()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED.value());
      assertThat(response.grpcMessage()).contains("larger than the limit of " + LIMIT);
      RawHttp2Connection.Frame reset = h2.next(); // stop sending: RFC 9113, 8.1
      assertThat(reset.type()).isEqualTo(RawHttp2Connection.RST_STREAM);
      assertThat(reset.stream()).isEqualTo(1);
      assertThat(reset.payload()).containsExactly(0, 0, 0, 0);

      h2.data(1, new byte[1000], true); // already on its way: ignored
      h2.unary(3, "ServerLive", new byte[0]);
      assertThat(h2.response(3).grpcStatus()).isZero();
    }
    assertThat(server.server().service().gate().inFlight()).isZero();
  }

  @Test
  void aRequestLargerThanTheFlowControlWindowsIsReceived() {
    int rows = 100_000; // 3.2 MB of raw input, over the 1 MiB windows (and 64 KiB defaults)
    ModelInferResponse response = server.grpc().modelInfer(MlpRequests.zeros("big", rows));
    assertThat(response.getOutputs(0).getShapeList()).containsExactly((long) rows, 1L);
    assertThat(response.getRawOutputContents(0).size()).isEqualTo(rows * 4);
  }

  @Test
  void twoStreamsOnOneConnectionAreAnsweredAsTheyComplete() throws Exception {
    byte[] first = RawHttp2Connection.prefixed(MlpRequests.zeros("first", 2).toByteArray());
    byte[] second = RawHttp2Connection.prefixed(MlpRequests.zeros("second", 1).toByteArray());
    try (RawHttp2Connection h2 = connect()) {
      h2.headers(1, RawHttp2Connection.call("ModelInfer"), false);
      h2.headers(3, RawHttp2Connection.call("ModelInfer"), false);
      h2.data(1, Arrays.copyOfRange(first, 0, 10), false);
      h2.data(3, second, true);
      assertThat(ModelInferResponse.parseFrom(h2.response(3).message()).getId())
          .isEqualTo("second");
      h2.data(1, Arrays.copyOfRange(first, 10, first.length), true);
      assertThat(ModelInferResponse.parseFrom(h2.response(1).message()).getId()).isEqualTo("first");
    }
  }

  @Test
  void aUnaryCallTakesExactlyOneMessage() throws Exception {
    byte[] one = RawHttp2Connection.prefixed(MlpRequests.zeros("one", 1).toByteArray());
    try (RawHttp2Connection h2 = connect()) {
      h2.headers(1, RawHttp2Connection.call("ModelInfer"), false);
      byte[] two = new byte[one.length * 2];
      System.arraycopy(one, 0, two, 0, one.length);
      System.arraycopy(one, 0, two, one.length, one.length);
      h2.data(1, two, true);
      assertThat(h2.response(1).grpcStatus()).isEqualTo(Status.Code.INTERNAL.value());

      h2.headers(3, RawHttp2Connection.call("ModelInfer"), true);
      RawHttp2Connection.Response none = h2.response(3);
      assertThat(none.grpcStatus()).isEqualTo(Status.Code.INTERNAL.value());
      assertThat(none.grpcMessage()).contains("without one");

      h2.headers(5, RawHttp2Connection.call("ModelInfer"), false);
      h2.data(5, Arrays.copyOfRange(one, 0, one.length - 1), true);
      RawHttp2Connection.Response cut = h2.response(5);
      assertThat(cut.grpcStatus()).isEqualTo(Status.Code.INTERNAL.value());
      assertThat(cut.grpcMessage()).contains("ended after");
    }
    assertThat(server.server().service().gate().inFlight()).isZero();
  }

  @Test
  void grpcMessageIsPercentEncoded() throws Exception {
    ModelMetadataRequest request = ModelMetadataRequest.newBuilder().setName("ghost-é%").build();
    try (RawHttp2Connection h2 = connect()) {
      h2.unary(1, "ModelMetadata", request.toByteArray());
      RawHttp2Connection.Response response = h2.response(1);
      assertThat(response.grpcStatus()).isEqualTo(Status.Code.NOT_FOUND.value());
      assertThat(response.grpcMessage()).isEqualTo("unknown model 'ghost-%C3%A9%25'");
    }
    try {
      server.grpc().modelMetadata(request);
    } catch (StatusRuntimeException e) { // grpc-java decodes it back
      assertThat(e.getStatus().getDescription()).isEqualTo("unknown model 'ghost-é%'");
      return;
    }
    throw new AssertionError("expected NOT_FOUND");
  }

  @Test
  void aStreamResetByTheClientReleasesItsCall() throws Exception {
    byte[] bytes = RawHttp2Connection.prefixed(MlpRequests.zeros("r", 1).toByteArray());
    try (RawHttp2Connection h2 = connect()) {
      h2.headers(1, RawHttp2Connection.call("ModelInfer"), false);
      h2.data(1, Arrays.copyOfRange(bytes, 0, 20), false);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> server.server().service().gate().inFlight() == 1);
      h2.reset(1, 0x8); // CANCEL
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> server.server().service().gate().inFlight() == 0);
      h2.unary(3, "ModelInfer", MlpRequests.zeros("after", 1).toByteArray());
      assertThat(ModelInferResponse.parseFrom(h2.response(3).message()).getId()).isEqualTo("after");
    }
  }

  @Test
  void drainingSendsGoAwayAndAnswersTheCallsInFlight() throws Exception {
    TestingServer draining = new TestingServer(options());
    int port = draining.server().grpcPort();
    byte[] bytes = RawHttp2Connection.prefixed(MlpRequests.zeros("late", 1).toByteArray());
    try (RawHttp2Connection idle = new RawHttp2Connection(port);
        RawHttp2Connection busy = new RawHttp2Connection(port)) {
      idle.unary(1, "ServerLive", new byte[0]);
      assertThat(idle.response(1).grpcStatus()).isZero();
      busy.headers(1, RawHttp2Connection.call("ModelInfer"), false);
      busy.data(1, Arrays.copyOfRange(bytes, 0, 20), false);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> draining.server().service().gate().inFlight() == 1);

      CompletableFuture<Void> closing = CompletableFuture.runAsync(draining::close);
      assertThat(idle.awaitGoAway()).isEqualTo(1);
      assertThat(idle.closedByServer()).isTrue();
      assertThat(busy.awaitGoAway()).isEqualTo(1);
      assertThat(closing).isNotDone();

      busy.data(1, Arrays.copyOfRange(bytes, 20, bytes.length), true);
      RawHttp2Connection.Response late = busy.response(1);
      assertThat(ModelInferResponse.parseFrom(late.message()).getId()).isEqualTo("late");
      assertThat(busy.closedByServer()).isTrue();
      closing.get(30, TimeUnit.SECONDS);
    } finally {
      draining.close();
    }
  }
}
