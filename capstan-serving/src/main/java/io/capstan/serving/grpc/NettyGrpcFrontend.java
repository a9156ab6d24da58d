package io.capstan.serving.grpc;

import io.capstan.serving.ModelService;
import io.capstan.serving.NettyListener;
import io.capstan.serving.NettyTransport;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The v2 gRPC protocol's unary methods on Netty's HTTP/2 codec with a handler of our own ({@code
 * --grpc-frontend netty}, the default; decision 52): h2c with prior knowledge, each call parsed,
 * run and answered on its connection's event loop, as the HTTP frontend does, without grpc-java's
 * call machinery in between.
 */
final class NettyGrpcFrontend implements GrpcFrontend {
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final NettyListener listener;
  private volatile boolean draining;
  private ChannelGroupFuture closing;

  NettyGrpcFrontend(
      ModelService service, NettyTransport transport, String host, int port, int maxRequestBytes)
      throws InterruptedException {
    Map<AsciiString, UnaryMethod<?, ?>> byPath = new HashMap<>();
    new InferenceGrpcService(service).methods().forEach(m -> byPath.put(m.path(), m));
    Map<AsciiString, UnaryMethod<?, ?>> methods = Map.copyOf(byPath);
    this.listener =
        new NettyListener(
            transport,
            host,
            port,
            ch -> {
              connections.add(ch);
              ch.pipeline()
                  .addLast(
                      GrpcConnectionHandler.create(
                          methods, service.gate(), service.secret(), maxRequestBytes));
              if (draining) { // accepted just before the listening socket closed
                ch.close();
              }
            });
  }

  @Override
  public int port() {
    return listener.port();
  }

  /**
   * Closing a connection's channel makes Netty's HTTP/2 handler send GOAWAY (the last stream it
   * started) and close once the streams in flight have been answered.
   */
  @Override
  public synchronized void stopAccepting() {
    if (closing == null) {
      draining = true;
      listener.stopAccepting();
      closing = connections.close();
    }
  }

  @Override
  public void awaitTermination(Duration timeout) throws InterruptedException {
    stopAccepting();
    closing.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void close() {
    stopAccepting();
    listener.close(); // stopping the event loops closes the connections still open
  }
}
