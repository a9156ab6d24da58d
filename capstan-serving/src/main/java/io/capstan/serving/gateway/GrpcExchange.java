package io.capstan.serving.gateway;

import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC call on its way to a replica, on the client connection's event loop: opens a stream on
 * this loop's connection to the chosen replica, sends the client's headers (with the replica's
 * secret in place of the caller's token) and message, gathers the answer and writes it back with
 * {@code capstan-model-version}. A call no replica took (no connection, the stream refused, or
 * {@code UNAVAILABLE} with no answer, as a draining replica says) goes to another one. Counted
 * once, whatever ended it.
 */
final class GrpcExchange {
  private static final AsciiString AUTHORITY = AsciiString.cached(":authority");

  private final GatewayContext context;
  private final GrpcProxy.Connections connections;
  private final ChannelHandlerContext client;
  private final Http2Headers headers;
  private final CompositeByteBuf message;
  private final ServiceTarget target;
  private final long started = System.nanoTime();
  private ScheduledFuture<?> timeout;
  private Attempts attempts;
  private Http2StreamChannel stream;
  private boolean done;

  GrpcExchange(
      GatewayContext context,
      GrpcProxy.Connections connections,
      ChannelHandlerContext client,
      Http2Headers headers,
      CompositeByteBuf message,
      ServiceTarget target) {
    this.context = context;
    this.connections = connections;
    this.client = client;
    this.headers = headers;
    this.message = message;
    this.target = target;
  }

  void start() {
    if (target.isEmpty()) {
      fail(
          GrpcCallHandler.UNAVAILABLE,
          "Service '" + target.service() + "' has no replica ready yet",
          target.stableVersion());
      return;
    }
    attempts = new Attempts(target, context.attempts());
    timeout =
        client
            .executor()
            .schedule(this::timedOut, context.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
    next("no replica answered");
  }

  private void next(String lastFailure) {
    Upstream picked = attempts.next();
    if (picked == null) {
      int version = attempts.version();
      fail(
          GrpcCallHandler.UNAVAILABLE,
          "Service '" + target.service() + "' did not answer: " + lastFailure,
          version);
      return;
    }
    ChannelFuture connection = connections.connection(client.channel().eventLoop(), picked.grpc());
    if (connection.isDone()) {
      connected(picked, connection);
    } else {
      connection.addListener(f -> connected(picked, connection));
    }
  }

  private void connected(Upstream picked, ChannelFuture connection) {
    if (done || attempts.current() != picked) {
      return;
    }
    if (!connection.isSuccess()) {
      refused(picked, picked + " could not be reached: " + connection.cause().getMessage());
      return;
    }
    new Http2StreamChannelBootstrap(connection.channel())
        .handler(new Answer(this, picked))
        .open()
        .addListener(
            f -> {
              Http2StreamChannel opened = (Http2StreamChannel) f.getNow();
              if (done || attempts.current() != picked) {
                if (opened != null) {
                  opened.close();
                }
              } else if (!f.isSuccess()) {
                refused(picked, picked + " refused a stream: " + f.cause().getMessage());
              } else {
                send(opened, picked);
              }
            });
  }

  private void send(Http2StreamChannel opened, Upstream picked) {
    stream = opened;
    Http2Headers forwarded = new DefaultHttp2Headers(false, headers.size() + 1);
    for (Map.Entry<CharSequence, CharSequence> header : headers) {
      CharSequence name = header.getKey();
      if (!AsciiString.contentEqualsIgnoreCase(name, GrpcCallHandler.AUTHORIZATION)
          && !AsciiString.contentEqualsIgnoreCase(name, GrpcCallHandler.PROJECT)
          && !AsciiString.contentEqualsIgnoreCase(name, GrpcCallHandler.SERVICE)
          && !AsciiString.contentEquals(name, AUTHORITY)) {
        forwarded.add(name, header.getValue());
      }
    }
    forwarded.authority(picked.grpc().getHostString() + ":" + picked.grpc().getPort());
    if (picked.authorization() != null) {
      forwarded.set(GrpcCallHandler.AUTHORIZATION, picked.authorization());
    }
    opened.write(new DefaultHttp2HeadersFrame(forwarded, false));
    opened.writeAndFlush(new DefaultHttp2DataFrame(message.retainedDuplicate(), true));
  }

  /** The replica's whole answer: headers, message and trailers (or trailers only). */
  private void answered(
      Upstream answering, Http2Headers response, CompositeByteBuf data, Http2Headers trailers) {
    if (done || attempts.current() != answering || stream == null) {
      ReferenceCountUtil.release(data);
      return;
    }
    answering.end();
    stream = null;
    Http2Headers status = trailers == null ? response : trailers;
    CharSequence code = status.get(GrpcCallHandler.GRPC_STATUS);
    boolean ok = code != null && AsciiString.contentEquals(code, "0");
    boolean empty = data == null || data.readableBytes() == 0;
    if (!ok
        && empty
        && code != null
        && AsciiString.contentEquals(code, Integer.toString(GrpcCallHandler.UNAVAILABLE))
        && attempts.left()) {
      ReferenceCountUtil.release(data);
      next(answering + " answered UNAVAILABLE");
      return;
    }
    finish();
    context
        .stats()
        .record(
            target.project(),
            target.service(),
            answering.version(),
            System.nanoTime() - started,
            !ok);
    response.set(GrpcCallHandler.VERSION, Integer.toString(answering.version()));
    if (trailers == null) {
      ReferenceCountUtil.release(data);
      client.writeAndFlush(new DefaultHttp2HeadersFrame(response, true));
      return;
    }
    client.write(new DefaultHttp2HeadersFrame(response, false));
    if (data != null) {
      client.write(new DefaultHttp2DataFrame(data, false));
    }
    client.writeAndFlush(new DefaultHttp2HeadersFrame(trailers, true));
  }

  /** The stream ended without a complete answer. */
  private void broken(Upstream answering, String why) {
    if (done || attempts.current() != answering || stream == null) {
      return;
    }
    stream = null;
    refused(answering, answering + ": " + why);
  }

  private void refused(Upstream upstream, String why) {
    upstream.end();
    upstream.markFailed(System.nanoTime(), context.failedPause().toNanos());
    next(why);
  }

  private void timedOut() {
    if (done) {
      return;
    }
    abandon();
    int version = attempts.version();
    fail(
        GrpcCallHandler.DEADLINE_EXCEEDED,
        "Service '"
            + target.service()
            + "' did not answer within "
            + context.requestTimeout().toMillis()
            + " ms",
        version);
  }

  /** The client went away: the replica's stream is reset, nothing is counted. */
  void cancel() {
    if (done) {
      return;
    }
    abandon();
    finish();
  }

  private void abandon() {
    Http2StreamChannel open = stream;
    if (open != null) {
      stream = null;
      attempts.current().end();
      open.close();
    }
  }

  private void fail(int status, String why, int version) {
    finish();
    context
        .stats()
        .record(target.project(), target.service(), version, System.nanoTime() - started, true);
    client.writeAndFlush(
        new DefaultHttp2HeadersFrame(GrpcCallHandler.trailersOnly(status, why), true));
  }

  private void finish() {
    done = true;
    if (timeout != null) {
      timeout.cancel(false);
    }
    message.release();
  }

  /** Gathers one replica stream's answer and hands it to the exchange. */
  private static final class Answer extends ChannelInboundHandlerAdapter {
    private final GrpcExchange exchange;
    private final Upstream upstream;
    private Http2Headers response;
    private CompositeByteBuf data;
    private boolean complete;

    Answer(GrpcExchange exchange, Upstream upstream) {
      this.exchange = exchange;
      this.upstream = upstream;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof Http2HeadersFrame frame) {
          if (response == null) {
            response = frame.headers();
            if (frame.isEndStream()) {
              complete(null);
            }
          } else if (frame.isEndStream()) {
            complete(frame.headers());
          }
        } else if (msg instanceof Http2DataFrame frame) {
          if (data == null) {
            data = ctx.alloc().compositeBuffer(16);
          }
          data.addComponent(true, frame.content().retain());
          if (frame.isEndStream()) {
            complete(new DefaultHttp2Headers());
          }
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void complete(Http2Headers trailers) {
      complete = true;
      CompositeByteBuf answer = data;
      data = null;
      exchange.answered(upstream, response, answer, trailers);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (data != null) {
        data.release();
        data = null;
      }
      if (!complete) {
        exchange.broken(upstream, "the stream ended before an answer");
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
