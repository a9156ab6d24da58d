package io.capstan.serving.gateway;

import io.capstan.serving.NettyListener;
import io.capstan.serving.NettyTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * The gateway over gRPC (h2c with prior knowledge): any unary call, unparsed, goes to one ready
 * replica of the service named by the metadata {@code capstan-project} and {@code capstan-service},
 * authenticated by {@code authorization: Bearer <token>}. Each call is a stream of Netty's HTTP/2
 * multiplexer on both sides, and both sides of a call run on one event loop: the client's
 * connection's, which also owns this loop's connections to the replicas.
 */
final class GrpcProxy implements AutoCloseable {
  static final int MAX_CONCURRENT_STREAMS = 256;
  static final int WINDOW = 1024 * 1024;
  static final int MAX_HEADER_LIST_SIZE = 8192;

  private final NettyListener listener;

  GrpcProxy(
      GatewayContext context, NettyTransport transport, String host, int port, int maxRequestBytes)
      throws InterruptedException {
    Connections connections = new Connections(transport, context);
    this.listener =
        new NettyListener(
            transport,
            host,
            port,
            ch ->
                ch.pipeline()
                    .addLast(
                        Http2FrameCodecBuilder.forServer()
                            .initialSettings(
                                Http2Settings.defaultSettings()
                                    .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                                    .initialWindowSize(WINDOW)
                                    .maxHeaderListSize(MAX_HEADER_LIST_SIZE))
                            .build())
                    .addLast(
                        new Http2MultiplexHandler(
                            new ChannelInitializer<Http2StreamChannel>() {
                              @Override
                              protected void initChannel(Http2StreamChannel stream) {
                                stream
                                    .pipeline()
                                    .addLast(
                                        new GrpcCallHandler(context, connections, maxRequestBytes));
                              }
                            })));
  }

  int port() {
    return listener.port();
  }

  @Override
  public void close() {
    listener.close();
  }

  /**
   * One HTTP/2 connection per event loop and replica, carrying every call of that loop to that
   * replica; used only by its loop's thread.
   */
  static final class Connections {
    private final NettyTransport transport;
    private final GatewayContext context;
    private final FastThreadLocal<Map<InetSocketAddress, ChannelFuture>> open =
        new FastThreadLocal<>() {
          @Override
          protected Map<InetSocketAddress, ChannelFuture> initialValue() {
            return new HashMap<>();
          }
        };

    Connections(NettyTransport transport, GatewayContext context) {
      this.transport = transport;
      this.context = context;
    }

    /** This loop's connection to {@code address}, connecting or connected. Call on {@code loop}. */
    ChannelFuture connection(EventLoop loop, InetSocketAddress address) {
      Map<InetSocketAddress, ChannelFuture> mine = open.get();
      ChannelFuture existing = mine.get(address);
      if (existing != null && (!existing.isDone() || existing.channel().isActive())) {
        return existing;
      }
      ChannelFuture connecting =
          new Bootstrap()
              .group(loop)
              .channel(transport.socketChannel())
              .option(ChannelOption.TCP_NODELAY, true)
              .option(
                  ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) context.connectTimeout().toMillis())
              .handler(
                  new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      ch.pipeline()
                          .addLast(
                              Http2FrameCodecBuilder.forClient()
                                  .initialSettings(
                                      Http2Settings.defaultSettings()
                                          .initialWindowSize(WINDOW)
                                          .maxHeaderListSize(MAX_HEADER_LIST_SIZE))
                                  .build())
                          .addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                    }
                  })
              .connect(address);
      mine.put(address, connecting);
      connecting.channel().closeFuture().addListener(f -> open.get().remove(address, connecting));
      return connecting;
    }
  }
}
