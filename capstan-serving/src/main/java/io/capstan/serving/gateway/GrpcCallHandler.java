package io.capstan.serving.gateway;

import io.capstan.serving.grpc.v2.ServerLiveResponse;
import io.capstan.serving.grpc.v2.ServerReadyResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * One call on a client's stream: its metadata checked as soon as the HEADERS arrive, its message
 * gathered, then handed to a {@link GrpcExchange} once the client's side ends.
 */
final class GrpcCallHandler extends ChannelInboundHandlerAdapter {
  static final AsciiString PROJECT = AsciiString.cached("capstan-project");
  static final AsciiString SERVICE = AsciiString.cached("capstan-service");
  static final AsciiString AUTHORIZATION = AsciiString.cached("authorization");
  static final AsciiString VERSION = AsciiString.cached(HttpProxyHandler.VERSION_HEADER);
  static final AsciiString GRPC_STATUS = AsciiString.cached("grpc-status");
  private static final AsciiString GRPC_MESSAGE = AsciiString.cached("grpc-message");
  private static final String SERVER_LIVE = "/inference.GRPCInferenceService/ServerLive";
  private static final String SERVER_READY = "/inference.GRPCInferenceService/ServerReady";

  /** gRPC status codes this class answers with. */
  static final int INVALID_ARGUMENT = 3;

  static final int NOT_FOUND = 5;
  static final int RESOURCE_EXHAUSTED = 8;
  static final int UNAVAILABLE = 14;
  static final int DEADLINE_EXCEEDED = 4;
  static final int UNAUTHENTICATED = 16;

  private final GatewayContext context;
  private final GrpcProxy.Connections connections;
  private final int maxRequestBytes;
  private Http2Headers headers;
  private ServiceTarget target;
  private CompositeByteBuf body;
  private GrpcExchange exchange;
  private boolean answered;

  GrpcCallHandler(GatewayContext context, GrpcProxy.Connections connections, int maxRequestBytes) {
    this.context = context;
    this.connections = connections;
    this.maxRequestBytes = maxRequestBytes;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof Http2HeadersFrame frame) {
        if (headers == null) {
          headers = frame.headers();
          check(ctx);
        }
        if (frame.isEndStream()) {
          ended(ctx);
        }
      } else if (msg instanceof Http2DataFrame frame) {
        if (!answered && target != null) {
          if (body == null) {
            body = ctx.alloc().compositeBuffer(64);
          }
          body.addComponent(true, frame.content().retain());
          if (body.readableBytes() > maxRequestBytes + 5) {
            answer(
                ctx,
                RESOURCE_EXHAUSTED,
                "Expected a message of at most " + maxRequestBytes + " bytes, but it had more");
          }
        }
        if (frame.isEndStream()) {
          ended(ctx);
        }
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void check(ChannelHandlerContext ctx) {
    CharSequence project = headers.get(PROJECT);
    CharSequence service = headers.get(SERVICE);
    if (project == null && service == null && answerHealth(ctx)) {
      return;
    }
    if (project == null || service == null) {
      answer(
          ctx,
          INVALID_ARGUMENT,
          "Expected metadata 'capstan-project' and 'capstan-service' naming the service");
      return;
    }
    CharSequence authorization = headers.get(AUTHORIZATION);
    RoutingTable.Decision decision =
        context
            .tables()
            .get()
            .authorize(
                authorization == null ? null : authorization.toString(),
                project.toString(),
                service.toString());
    if (!decision.allowed()) {
      answer(ctx, decision.httpStatus() == 401 ? UNAUTHENTICATED : NOT_FOUND, decision.message());
      return;
    }
    target = decision.target();
  }

  private void ended(ChannelHandlerContext ctx) {
    if (answered || target == null || exchange != null) {
      return;
    }
    CompositeByteBuf message = body == null ? ctx.alloc().compositeBuffer(0) : body;
    body = null;
    exchange = new GrpcExchange(context, connections, ctx, headers, message, target);
    exchange.start();
  }

  /**
   * Answers ServerLive and ServerReady asked of the gateway itself (no service named), as Triton's
   * and KServe's clients do before their first call: live while it runs, ready once it has routes
   * from the control plane (or kept ones). Returns false for every other method.
   */
  private boolean answerHealth(ChannelHandlerContext ctx) {
    CharSequence path = headers.path();
    byte[] message;
    if (path != null && path.toString().equals(SERVER_LIVE)) {
      message = ServerLiveResponse.newBuilder().setLive(true).build().toByteArray();
    } else if (path != null && path.toString().equals(SERVER_READY)) {
      boolean ready = context.tables().get() != RoutingTable.EMPTY;
      message = ServerReadyResponse.newBuilder().setReady(ready).build().toByteArray();
    } else {
      return false;
    }
    answered = true;
    Http2Headers response = new DefaultHttp2Headers();
    response.status("200");
    response.set("content-type", "application/grpc");
    ctx.write(new DefaultHttp2HeadersFrame(response, false));
    ByteBuf framed = ctx.alloc().buffer(5 + message.length);
    framed.writeByte(0).writeInt(message.length).writeBytes(message);
    ctx.write(new DefaultHttp2DataFrame(framed, false));
    Http2Headers trailers = new DefaultHttp2Headers();
    trailers.set(GRPC_STATUS, "0");
    ctx.writeAndFlush(new DefaultHttp2HeadersFrame(trailers, true));
    return true;
  }

  /** Answers the call with one HEADERS frame that ends it. */
  private void answer(ChannelHandlerContext ctx, int status, String message) {
    answered = true;
    release();
    ctx.writeAndFlush(new DefaultHttp2HeadersFrame(trailersOnly(status, message), true));
  }

  static Http2Headers trailersOnly(int status, String message) {
    Http2Headers trailers = new DefaultHttp2Headers();
    trailers.status("200");
    trailers.set("content-type", "application/grpc");
    trailers.set(GRPC_STATUS, Integer.toString(status));
    trailers.set(GRPC_MESSAGE, percentEncoded(message));
    return trailers;
  }

  /** {@code grpc-message}'s encoding: UTF-8, bytes outside printable ASCII and '%' as %XX. */
  private static String percentEncoded(String message) {
    StringBuilder out = new StringBuilder(message.length());
    for (byte b : message.getBytes(StandardCharsets.UTF_8)) {
      if (b < 0x20 || b > 0x7e || b == '%') {
        out.append('%').append(String.format("%02X", b & 0xff));
      } else {
        out.append((char) b);
      }
    }
    return out.toString();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    release();
    if (exchange != null) {
      exchange.cancel();
    }
    ctx.fireChannelInactive();
  }

  private void release() {
    if (body != null) {
      body.release();
      body = null;
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
