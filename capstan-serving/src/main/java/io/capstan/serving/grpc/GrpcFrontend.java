package io.capstan.serving.grpc;

import io.capstan.serving.ModelService;
import io.capstan.serving.NettyTransport;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * The v2 gRPC protocol's listener. Two implementations, so that they can be compared in one
 * benchmark run: our own unary handler on Netty's HTTP/2 codec (the default) and grpc-java's Netty
 * server (decision 52).
 */
public interface GrpcFrontend extends AutoCloseable {
  /** Which implementation answers; {@code --grpc-frontend netty|grpc-java}. */
  enum Kind {
    NETTY,
    GRPC_JAVA;

    /** The flag's value: {@code netty} or {@code grpc-java}. */
    public String flag() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Kind parse(String flag) {
      for (Kind kind : values()) {
        if (kind.flag().equals(flag)) {
          return kind;
        }
      }
      throw new IllegalArgumentException(
          "expected one of "
              + Arrays.stream(values()).map(Kind::flag).toList()
              + ", but was '"
              + flag
              + "'");
    }
  }

  /**
   * Binds {@code host:port} (0: a free port) and starts answering on event loops of its own, one
   * worker per core, calls running on the event loop of their connection.
   */
  static GrpcFrontend start(
      Kind kind,
      ModelService service,
      NettyTransport transport,
      String host,
      int port,
      int maxRequestBytes)
      throws IOException, InterruptedException {
    return switch (kind) {
      case NETTY -> new NettyGrpcFrontend(service, transport, host, port, maxRequestBytes);
      case GRPC_JAVA -> new GrpcJavaFrontend(service, transport, host, port, maxRequestBytes);
    };
  }

  int port();

  /**
   * Closes the listening socket and tells open connections (GOAWAY) to start no new calls; calls
   * already started run to their end.
   */
  void stopAccepting();

  /** Waits up to {@code timeout} for the connections to finish their calls and close. */
  void awaitTermination(Duration timeout) throws InterruptedException;

  /** Closes whatever is still open and stops the event loops. */
  @Override
  void close();
}
