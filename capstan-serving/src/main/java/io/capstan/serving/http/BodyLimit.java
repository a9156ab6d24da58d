package io.capstan.serving.http;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import java.util.function.BiFunction;

/**
 * Aggregates a request's body and answers 413 above the limit, as the model server and the gateway
 * both do. A keep-alive request keeps its connection: the aggregator reads and drops the rest of
 * the body, so the client, which is still sending it, reads the whole answer; closing at once would
 * reset the connection under the client and lose the answer. A request that asked to close gets
 * {@code Connection: close} and the close.
 */
public final class BodyLimit extends HttpObjectAggregator {
  private final int maxRequestBytes;
  private final BiFunction<ByteBufAllocator, Integer, FullHttpResponse> tooLarge;

  /**
   * @param maxRequestBytes the largest body accepted
   * @param tooLarge the 413 answer, given the allocator and the limit
   */
  public BodyLimit(
      int maxRequestBytes, BiFunction<ByteBufAllocator, Integer, FullHttpResponse> tooLarge) {
    super(maxRequestBytes);
    this.maxRequestBytes = maxRequestBytes;
    this.tooLarge = tooLarge;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    FullHttpResponse response = tooLarge.apply(ctx.alloc(), maxRequestBytes);
    boolean keepAlive = HttpUtil.isKeepAlive(oversized);
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    ChannelFuture written = ctx.writeAndFlush(response);
    // The model server counts the request in flight until it is answered (a drain waits for it).
    HttpGate gate = ctx.pipeline().get(HttpGate.class);
    if (gate != null) {
      written.addListener(f -> gate.answered());
    }
    written.addListener(
        keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE : ChannelFutureListener.CLOSE);
  }
}
