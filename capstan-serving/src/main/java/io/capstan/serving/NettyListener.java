package io.capstan.serving;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A listening socket of one of the Netty frontends, on event loops of its own: one thread accepts,
 * one per core serves the connections, each connection on one of them from start to end.
 */
public final class NettyListener implements AutoCloseable {
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel channel;

  /**
   * Binds {@code host:port} (0: a free port); {@code pipeline} sets up each accepted connection's
   * handlers (with TCP_NODELAY: an answer is one write, and waiting to coalesce it only delays it).
   */
  public NettyListener(
      NettyTransport transport, String host, int port, Consumer<SocketChannel> pipeline)
      throws InterruptedException {
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
                    pipeline.accept(ch);
                  }
                });
    try {
      this.channel = bootstrap.bind(host, port).sync().channel();
    } catch (InterruptedException | RuntimeException e) {
      shutdownLoops();
      throw e;
    }
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** Closes the listening socket; open connections are still served. */
  public void stopAccepting() {
    channel.close().awaitUninterruptibly();
  }

  /** Stops accepting and the event loops, which closes the connections still open. */
  @Override
  public void close() {
    stopAccepting();
    shutdownLoops();
  }

  private void shutdownLoops() {
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
  }
}
