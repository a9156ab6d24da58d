package io.capstan.serving.http;

import io.capstan.serving.RequestGate;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AttributeKey;

/**
 * Admits each HTTP request at its first bytes (before the body is aggregated), so a request that
 * was being received when draining started still counts as in flight and gets its answer. One
 * instance per connection.
 */
final class HttpGate extends ChannelInboundHandlerAdapter {
  static final AttributeKey<Boolean> ADMITTED = AttributeKey.valueOf("capstan.admitted");

  private final RequestGate gate;
  private int admitted;

  HttpGate(RequestGate gate) {
    this.gate = gate;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest) {
      boolean in = gate.tryEnter();
      if (in) {
        admitted++;
      }
      ctx.channel().attr(ADMITTED).set(in);
    }
    ctx.fireChannelRead(msg);
  }

  /** Called on the event loop when a response for an admitted request has been written. */
  void answered() {
    if (admitted > 0) {
      admitted--;
      gate.exit();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    while (admitted > 0) {
      admitted--;
      gate.exit();
    }
    ctx.fireChannelInactive();
  }
}
