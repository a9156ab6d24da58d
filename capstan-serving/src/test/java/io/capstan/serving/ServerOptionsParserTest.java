package io.capstan.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.serving.grpc.GrpcFrontend;
import io.capstan.serving.model.ModelSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerOptionsParserTest {
  @Test
  void defaults() {
    ServerOptions options = ServerOptionsParser.parse("--model", "iris=/m/iris.onnx");
    assertThat(options.models()).containsExactly(new ModelSpec("iris", 1, Path.of("/m/iris.onnx")));
    assertThat(options.host()).isEqualTo("127.0.0.1");
    assertThat(options.httpPort()).isEqualTo(8080);
    assertThat(options.grpcPort()).isEqualTo(8081);
    assertThat(options.portsFile()).isNull();
    assertThat(options.batching().maxBatchSize()).isEqualTo(32);
    assertThat(options.batching().maxQueueDelayMicros()).isEqualTo(500);
    assertThat(options.batching().preferredBatchSizes()).isEmpty();
    assertThat(options.batching().enabled()).isTrue();
    assertThat(options.session().intraOpThreads()).isEqualTo(1);
    assertThat(options.session().interOpThreads()).isEqualTo(1);
    assertThat(options.drainTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(options.maxRequestBytes()).isEqualTo(64 * 1024 * 1024);
    assertThat(options.grpcFrontend()).isEqualTo(GrpcFrontend.Kind.NETTY);
  }

  @Test
  void everyFlag() {
    ServerOptions options =
        ServerOptionsParser.parse(
            "--model",
            "a:2=/m/a.onnx",
            "--model=b-1:10=/m/b.onnx",
            "--host",
            "0.0.0.0",
            "--http-port",
            "0",
            "--grpc-port=9001",
            "--ports-file",
            "/tmp/ports",
            "--max-batch-size",
            "64",
            "--max-queue-delay-us",
            "100",
            "--preferred-batch-size",
            "8",
            "--preferred-batch-size",
            "16",
            "--intra-op-threads",
            "2",
            "--inter-op-threads",
            "3",
            "--drain-timeout",
            "5",
            "--max-request-bytes",
            "2048",
            "--grpc-frontend",
            "grpc-java");
    assertThat(options.models())
        .containsExactly(
            new ModelSpec("a", 2, Path.of("/m/a.onnx")),
            new ModelSpec("b-1", 10, Path.of("/m/b.onnx")));
    assertThat(options.host()).isEqualTo("0.0.0.0");
    assertThat(options.httpPort()).isZero();
    assertThat(options.grpcPort()).isEqualTo(9001);
    assertThat(options.portsFile()).isEqualTo(Path.of("/tmp/ports"));
    assertThat(options.batching().maxBatchSize()).isEqualTo(64);
    assertThat(options.batching().maxQueueDelayMicros()).isEqualTo(100);
    assertThat(options.batching().preferredBatchSizes()).containsExactly(8, 16);
    assertThat(options.session().intraOpThreads()).isEqualTo(2);
    assertThat(options.session().interOpThreads()).isEqualTo(3);
    assertThat(options.drainTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(options.maxRequestBytes()).isEqualTo(2048);
    assertThat(options.grpcFrontend()).isEqualTo(GrpcFrontend.Kind.GRPC_JAVA);
  }

  @Test
  void batchingOff() {
    assertThat(ServerOptionsParser.parse("--model", "a=/a", "--no-batching").batching().enabled())
        .isFalse();
    assertThat(
            ServerOptionsParser.parse("--model", "a=/a", "--max-batch-size", "1")
                .batching()
                .enabled())
        .isFalse();
  }

  @Test
  void epollUnlessNioIsAsked() {
    assertThat(ServerOptionsParser.parse("--model", "a=/a").nio()).isFalse();
    assertThat(ServerOptionsParser.parse("--model", "a=/a", "--nio").nio()).isTrue();
  }

  @Test
  void grpcFrontendByName() {
    assertThat(ServerOptionsParser.parse("--model", "a=/a", "--grpc-frontend=netty").grpcFrontend())
        .isEqualTo(GrpcFrontend.Kind.NETTY);
    assertThat(ServerOptionsParser.USAGE).contains("--grpc-frontend netty|grpc-java");
  }

  @Test
  void badArgumentsNameTheFlag() {
    assertBad(List.of(), "--model: expected at least one");
    assertBad(List.of("--model", "a"), "--model: expected NAME:VERSION=PATH");
    assertBad(List.of("--model", "A=/a"), "--model: expected the model name to match");
    assertBad(List.of("--model", "a:0=/a"), "to be a positive integer, but was 0");
    assertBad(List.of("--model", "a:x=/a"), "to be a positive integer, but was 'x'");
    assertBad(List.of("--model", "a=/a", "--http-port", "70000"), "--http-port: expected a value");
    assertBad(List.of("--model", "a=/a", "--grpc-port"), "--grpc-port: missing value");
    assertBad(List.of("--model", "a=/a", "--max-batch-size", "0"), "--max-batch-size");
    assertBad(
        List.of("--model", "a=/a", "--max-batch-size", "4", "--preferred-batch-size", "8"),
        "--preferred-batch-size");
    assertBad(List.of("--model", "a=/a", "--max-queue-delay-us", "-1"), "--max-queue-delay-us");
    assertBad(List.of("--model", "a=/a", "--intra-op-threads", "0"), "--intra-op-threads");
    assertBad(List.of("--model", "a=/a", "--drain-timeout", "x"), "--drain-timeout");
    assertBad(List.of("--model", "a=/a", "--max-request-bytes", "10"), "--max-request-bytes");
    assertBad(
        List.of("--model", "a=/a", "--grpc-frontend", "grpc"),
        "--grpc-frontend: expected one of [netty, grpc-java], but was 'grpc'");
    assertBad(List.of("--model", "a=/a", "--colour", "red"), "unknown flag --colour");
    assertBad(List.of("--model", "a=/a", "stray"), "unexpected argument 'stray'");
  }

  private static void assertBad(List<String> args, String message) {
    assertThatThrownBy(() -> ServerOptionsParser.parse(args.toArray(String[]::new)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
