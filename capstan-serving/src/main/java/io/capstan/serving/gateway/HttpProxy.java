package io.capstan.serving.gateway;

import io.capstan.serving.NettyListener;
import io.capstan.serving.NettyTransport;
import io.capstan.serving.http.BodyLimit;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The gateway over HTTP/1.1: {@code /serving/{project}/{service}/v2/...} goes to one ready replica
 * of the service, on keep-alive connections pooled per event loop, so a request is read, forwarded,
 * answered and written back on one thread with no hand-over (as Netty's proxy examples do).
 */
final class HttpProxy implements AutoCloseable {
  static final int MAX_IDLE_PER_REPLICA = 64;

  private final NettyListener listener;

  HttpProxy(
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
                    .addLast(new HttpServerCodec())
                    .addLast(
                        new BodyLimit(
                            maxRequestBytes,
                            (alloc, limit) ->
                                HttpProxyHandler.error(
                                    alloc,
                                    HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                                    "Expected a request of at most "
                                        + limit
                                        + " bytes, but it had more")))
                    .addLast(new HttpProxyHandler(context, connections)));
  }

  int port() {
    return listener.port();
  }

  @Override
  public void close() {
    listener.close();
  }

  /**
   * Keep-alive connections to replicas, per event loop (each used only by its loop's thread, so
   * without locks) and per replica address.
   */
  static final class Connections {
    private final NettyTransport transport;
    private final GatewayContext context;
    private final FastThreadLocal<Map<InetSocketAddress, ArrayDeque<Channel>>> idle =
        new FastThreadLocal<>() {
          @Override
          protected Map<InetSocketAddress, ArrayDeque<Channel>> initialValue() {
            return new HashMap<>();
          }
        };

    Connections(NettyTransport transport, GatewayContext context) {
      this.transport = transport;
      this.context = context;
    }

    /** An idle connection to {@code address} of this loop, or null. Call on {@code loop}. */
    Channel pooled(InetSocketAddress address) {
      ArrayDeque<Channel> pool = idle.get().get(address);
      if (pool == null) {
        return null;
      }
      for (Channel ch = pool.pollFirst(); ch != null; ch = pool.pollFirst()) {
        if (ch.isActive()) {
          return ch;
        }
      }
      return null;
    }

    /** Gives a connection back after a complete answer. Call on its loop. */
    void release(InetSocketAddress address, Channel ch) {
      ArrayDeque<Channel> pool = idle.get().computeIfAbsent(address, a -> new ArrayDeque<>());
      if (ch.isActive() && pool.size() < MAX_IDLE_PER_REPLICA) {
        pool.offerFirst(ch);
      } else {
        ch.close();
      }
    }

    /** Opens a new connection to {@code address} on {@code loop}. */
    io.netty.channel.ChannelFuture open(EventLoop loop, InetSocketAddress address) {
      return new Bootstrap()
          .group(loop)
          .channel(transport.socketChannel())
          .option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) context.connectTimeout().toMillis())
          .handler(
              new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                  ch.pipeline().addLast(new HttpClientCodec()).addLast(new UpstreamHandler());
                }
              })
          .connect(address);
    }
  }

  /**
   * One connection to a replica: hands its answer to the exchange that uses it part by part, as the
   * codec reads them (head, then the body's pieces, the last one ending the answer), so the answer
   * is passed on without being gathered into one message first.
   */
  static final class UpstreamHandler extends io.netty.channel.ChannelInboundHandlerAdapter {
    private HttpExchange exchange;

    void use(HttpExchange exchange) {
      this.exchange = exchange;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      HttpExchange current = exchange;
      if (current == null || !(msg instanceof HttpObject)) {
        ReferenceCountUtil.release(msg);
        ctx.close();
        return;
      }
      if (msg instanceof HttpResponse head) {
        if (msg instanceof FullHttpResponse full) {
          // Not what the codec emits, but take it apart if it ever is.
          current.head(
              ctx.channel(),
              new DefaultHttpResponse(full.protocolVersion(), full.status(), full.headers()));
          msg = new DefaultLastHttpContent(full.content(), full.trailingHeaders());
        } else {
          current.head(ctx.channel(), head);
          return;
        }
      }
      if (msg instanceof LastHttpContent) {
        exchange = null;
      }
      current.content(ctx.channel(), (HttpContent) msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      HttpExchange current = exchange;
      if (current != null) {
        current.flush();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      HttpExchange current = exchange;
      exchange = null;
      if (current != null) {
        current.failed(ctx.channel(), "the replica closed the connection before answering");
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
