package io.capstan.serving.grpc;

import io.capstan.serving.ModelService;
import io.capstan.serving.NettyTransport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The v2 gRPC protocol's unary methods on Netty's HTTP/2 codec with a handler of our own ({@code
 * --grpc-frontend netty}, the default; decision 50): h2c with prior knowledge, each call parsed,
 * run and answered on its connection's event loop, as the HTTP frontend does, without grpc-java's
 * call machinery in between.
 */
final class NettyGrpcFrontend implements GrpcFrontend {
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final Channel channel;
  private volatile boolean draining;
  private ChannelGroupFuture closing;

  NettyGrpcFrontend(
      ModelService service, NettyTransport transport, String host, int port, int maxRequestBytes)
      throws InterruptedException {
    Map<AsciiString, UnaryMethod<?, ?>> byPath = new HashMap<>();
    new InferenceGrpcService(service).methods().forEach(m -> byPath.put(m.path(), m));
    Map<AsciiString, UnaryMethod<?, ?>> methods = Map.copyOf(byPath);
    this.boss = transport.group(1);
    this.workers = transport.group(Runtime.getRuntime().availableProcessors());
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(transport.serverChannel())
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    connections.add(ch);
                    ch.pipeline()
                        .addLast(
                            GrpcConnectionHandler.create(methods, service.gate(), maxRequestBytes));
                    if (draining) { // accepted just before the listening socket closed
                      ch.close();
                    }
                  }
                });
    try {
      this.channel = bootstrap.bind(host, port).sync().channel();
    } catch (InterruptedException | RuntimeException e) {
      shutdownLoops();
      throw e;
    }
  }

  @Override
  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /**
   * Closing a connection's channel makes Netty's HTTP/2 handler send GOAWAY (the last stream it
   * started) and close once the streams in flight have been answered.
   */
  @Override
  public synchronized void stopAccepting() {
    if (closing == null) {
      draining = true;
      channel.close().awaitUninterruptibly();
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
    shutdownLoops(); // closes the connections still open, calls in flight or not
  }

  private void shutdownLoops() {
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
  }
}
