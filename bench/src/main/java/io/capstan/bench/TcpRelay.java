package io.capstan.bench;

import io.capstan.serving.NettyListener;
import io.capstan.serving.NettyTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import java.net.InetSocketAddress;

/**
 * The floor of any proxy on this machine: a Netty relay that copies bytes between a client
 * connection and one connection to the target, on one event loop, parsing nothing (Netty's
 * HexDumpProxy without the dump). The gateway does this plus HTTP or HTTP/2 parsing, the token
 * check, the route choice and the bookkeeping.
 */
final class TcpRelay implements AutoCloseable {
  private final NettyListener listener;

  TcpRelay(NettyTransport transport, InetSocketAddress target) throws InterruptedException {
    this.listener =
        new NettyListener(
            transport,
            "127.0.0.1",
            0,
            ch -> {
              ch.config().setAutoRead(false);
              ch.pipeline().addLast(new Front(transport, target));
            });
  }

  int port() {
    return listener.port();
  }

  @Override
  public void close() {
    listener.close();
  }

  private static final class Front extends ChannelInboundHandlerAdapter {
    private final NettyTransport transport;
    private final InetSocketAddress target;
    private Channel back;

    Front(NettyTransport transport, InetSocketAddress target) {
      this.transport = transport;
      this.target = target;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      Channel front = ctx.channel();
      new Bootstrap()
          .group(front.eventLoop())
          .channel(transport.socketChannel())
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(new Back(front))
          .connect(target)
          .addListener(
              (ChannelFutureListener)
                  f -> {
                    if (f.isSuccess()) {
                      back = f.channel();
                      front.config().setAutoRead(true);
                    } else {
                      front.close();
                    }
                  });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      back.writeAndFlush(msg, back.voidPromise());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (back != null) {
        back.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  private static final class Back extends ChannelInboundHandlerAdapter {
    private final Channel front;

    Back(Channel front) {
      this.front = front;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      front.writeAndFlush(msg, front.voidPromise());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      front.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
