package io.capstan.bench;

import io.capstan.serving.NettyListener;
import io.capstan.serving.NettyTransport;
import io.capstan.serving.model.OnnxModel;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * The cheapest Java server around a model, for the serving benchmark's ladder: Netty's HTTP/1.1
 * codec on the same transport and event loops as the model server, a handler that runs the model on
 * the event loop with tensors prepared once (the request body is not read) and answers a fixed
 * body. What the model server costs above this row is its v2 work: JSON, validation, metrics.
 */
final class BareNettyServer implements AutoCloseable {
  private static final byte[] ANSWER =
      "{\"model_name\":\"bare\",\"outputs\":[]}".getBytes(StandardCharsets.US_ASCII);

  private final NettyListener listener;

  BareNettyServer(OnnxModel model, ServingPayload payload) throws InterruptedException {
    ChannelHandler handler = new Handler(model, payload);
    listener =
        new NettyListener(
            NettyTransport.choose(false),
            "127.0.0.1",
            0,
            ch ->
                ch.pipeline()
                    .addLast(new HttpServerCodec())
                    .addLast(new HttpObjectAggregator(1 << 20))
                    .addLast(handler));
  }

  int port() {
    return listener.port();
  }

  @Override
  public void close() {
    listener.close();
  }

  @ChannelHandler.Sharable
  private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final OnnxModel model;
    private final ServingPayload payload;

    Handler(OnnxModel model, ServingPayload payload) {
      this.model = model;
      this.payload = payload;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      model.run(payload.inputs(), payload.outputs());
      DefaultFullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(ANSWER));
      response
          .headers()
          .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
          .setInt(HttpHeaderNames.CONTENT_LENGTH, ANSWER.length);
      ctx.writeAndFlush(response);
    }
  }
}
