package io.capstan.serving.http;

import io.capstan.serving.ErrorKind;
import io.capstan.serving.ModelService;
import io.capstan.serving.NettyTransport;
import io.capstan.serving.ServingException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The v2 REST protocol on Netty's HTTP/1.1 codec, with no framework in between: requests up to the
 * size limit are aggregated, answered by {@link V2HttpHandler}; inference without batching runs on
 * the event loop that read it.
 */
public final class HttpFrontend implements AutoCloseable {
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel channel;

  /** Binds {@code host:port} (0: a free port) and starts answering. */
  public HttpFrontend(
      ModelService service, NettyTransport transport, String host, int port, int maxRequestBytes)
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
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpGate(service.gate()))
                        .addLast(new SizeLimit(maxRequestBytes))
                        .addLast(new V2HttpHandler(service));
                  }
                });
    try {
      this.channel = bootstrap.bind(host, port).sync().channel();
    } catch (InterruptedException | RuntimeException e) {
      boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
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

  @Override
  public void close() {
    stopAccepting();
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
  }

  /** Aggregates a request's body, answering 413 with the v2 error body above the limit. */
  private static final class SizeLimit extends HttpObjectAggregator {
    private final int maxRequestBytes;

    SizeLimit(int maxRequestBytes) {
      super(maxRequestBytes);
      this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      ServingException error =
          new ServingException(
              ErrorKind.TOO_LARGE,
              "the request body is larger than the limit of " + maxRequestBytes + " bytes");
      ctx.writeAndFlush(HttpResponses.error(ctx.alloc(), error))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }
}
