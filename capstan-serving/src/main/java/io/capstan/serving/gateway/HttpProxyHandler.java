package io.capstan.serving.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * One client connection of the HTTP gateway: checks each request's token against the routing table,
 * forwards it ({@link HttpExchange}) and writes the answers back in the order the requests came (a
 * pipelining client's next request waits for the answer before it).
 */
final class HttpProxyHandler extends ChannelInboundHandlerAdapter {
  static final String PREFIX = "/serving/";
  static final String VERSION_HEADER = "capstan-model-version";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final GatewayContext context;
  private final HttpProxy.Connections connections;
  private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>();
  private boolean busy;

  HttpProxyHandler(GatewayContext context, HttpProxy.Connections connections) {
    this.context = context;
    this.connections = connections;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (busy) {
      waiting.add(request);
      return;
    }
    handle(ctx, request);
  }

  private void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
    busy = true;
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    if (!request.decoderResult().isSuccess()) {
      request.release();
      respond(
          ctx, error(ctx.alloc(), HttpResponseStatus.BAD_REQUEST, "Malformed HTTP request"), false);
      return;
    }
    String uri = request.uri();
    if (uri.equals("/healthz")) {
      request.release();
      String version = context.tables().get().version();
      respond(ctx, text(ctx.alloc(), HttpResponseStatus.OK, "ok " + version), keepAlive);
      return;
    }
    int projectEnd = uri.startsWith(PREFIX) ? uri.indexOf('/', PREFIX.length()) : -1;
    int serviceEnd = projectEnd < 0 ? -1 : uri.indexOf('/', projectEnd + 1);
    if (serviceEnd < 0 || !uri.startsWith("/v2", serviceEnd)) {
      request.release();
      respond(
          ctx,
          error(
              ctx.alloc(),
              HttpResponseStatus.NOT_FOUND,
              "Expected a KServe v2 path /serving/{project}/{service}/v2/..., but was "
                  + new io.netty.handler.codec.http.QueryStringDecoder(uri).path()),
          keepAlive);
      return;
    }
    String project = uri.substring(PREFIX.length(), projectEnd);
    String service = uri.substring(projectEnd + 1, serviceEnd);
    RoutingTable.Decision decision =
        context
            .tables()
            .get()
            .authorize(request.headers().get(HttpHeaderNames.AUTHORIZATION), project, service);
    if (!decision.allowed()) {
      request.release();
      respond(
          ctx,
          error(ctx.alloc(), HttpResponseStatus.valueOf(decision.httpStatus()), decision.message()),
          keepAlive);
      return;
    }
    new HttpExchange(
            context,
            connections,
            this,
            ctx,
            request,
            decision.target(),
            uri.substring(serviceEnd),
            keepAlive)
        .start();
  }

  /** Writes the gateway's own answer to the request in hand; then takes the next one waiting. */
  void respond(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
    HttpUtil.setKeepAlive(response, keepAlive);
    end(ctx, response, keepAlive);
  }

  /**
   * Writes the last part of the answer to the request in hand (its head and the parts before
   * written already, unflushed) and flushes; then takes the next request that was waiting.
   */
  void end(ChannelHandlerContext ctx, HttpObject last, boolean keepAlive) {
    if (keepAlive) {
      ctx.writeAndFlush(last, ctx.voidPromise());
    } else {
      ctx.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
    }
    busy = false;
    FullHttpRequest next = waiting.poll();
    if (next != null) {
      if (keepAlive && ctx.channel().isActive()) {
        handle(ctx, next);
      } else {
        next.release();
        waiting.forEach(FullHttpRequest::release);
        waiting.clear();
      }
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    waiting.forEach(FullHttpRequest::release);
    waiting.clear();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A client that went away mid-request is not the gateway's error: close quietly.
    ctx.close();
  }

  /** An error in the v2 protocol's form, {@code {"error": "..."}}. */
  static FullHttpResponse error(ByteBufAllocator alloc, HttpResponseStatus status, String message) {
    byte[] body = JSON.writeValueAsBytes(Map.of("error", message));
    return response(alloc, status, body, HttpHeaderValues.APPLICATION_JSON);
  }

  private static FullHttpResponse text(
      ByteBufAllocator alloc, HttpResponseStatus status, String message) {
    return response(
        alloc,
        status,
        (message + "\n").getBytes(StandardCharsets.UTF_8),
        HttpHeaderValues.TEXT_PLAIN);
  }

  private static FullHttpResponse response(
      ByteBufAllocator alloc, HttpResponseStatus status, byte[] body, CharSequence type) {
    ByteBuf buf = alloc.buffer(body.length).writeBytes(body);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, buf);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    return response;
  }
}
