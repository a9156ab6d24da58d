package io.capstan.serving;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The Netty transport both frontends listen on: native epoll where Netty's Linux library loads
 * (fewer system calls and no selected-key sets per wake-up), NIO elsewhere.
 */
public record NettyTransport(
    String name, IoHandlerFactory ioHandlers, Class<? extends ServerChannel> serverChannel) {
  /** Epoll when available, unless {@code nio} asks for NIO. */
  public static NettyTransport choose(boolean nio) {
    if (!nio && Epoll.isAvailable()) {
      return new NettyTransport(
          "epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class);
    }
    return new NettyTransport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class);
  }

  /** An event loop group of {@code threads} threads on this transport. */
  public EventLoopGroup group(int threads) {
    return new MultiThreadIoEventLoopGroup(threads, ioHandlers);
  }

  /** The client socket channel of this transport, for connections a gateway opens. */
  public Class<? extends Channel> socketChannel() {
    return name.equals("epoll") ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  /** Why NIO is used where epoll was asked for, or "" when it was not. */
  public static String epollUnavailableReason() {
    return Epoll.isAvailable() ? "" : String.valueOf(Epoll.unavailabilityCause());
  }
}
