package io.capstan.serving.gateway;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP request on its way to a replica, all on the client connection's event loop: picks a
 * replica, sends the request on a pooled connection (or a new one), and passes the answer back part
 * by part as it is read, its head with {@code capstan-model-version}. A request no replica took
 * (connection refused or reset, or 503 while a replica drains) goes to another one, up to the
 * attempts allowed. Counted once, whatever ended it.
 */
final class HttpExchange {
  private static final CharSequence INFERENCE_HEADER_LENGTH = "Inference-Header-Content-Length";

  private final GatewayContext context;
  private final HttpProxy.Connections connections;
  private final HttpProxyHandler handler;
  private final ChannelHandlerContext client;
  private final FullHttpRequest request;
  private final ServiceTarget target;
  private final String upstreamUri;
  private final boolean keepAlive;
  private final long started = System.nanoTime();
  private ScheduledFuture<?> timeout;
  private Attempts attempts;
  private Channel upstream;
  private boolean upstreamKeepAlive;
  private String retryBecause;
  private boolean forwarding;
  private boolean error;
  private boolean requestReleased;
  private boolean done;

  HttpExchange(
      GatewayContext context,
      HttpProxy.Connections connections,
      HttpProxyHandler handler,
      ChannelHandlerContext client,
      FullHttpRequest request,
      ServiceTarget target,
      String upstreamUri,
      boolean keepAlive) {
    this.context = context;
    this.connections = connections;
    this.handler = handler;
    this.client = client;
    this.request = request;
    this.target = target;
    this.upstreamUri = upstreamUri;
    this.keepAlive = keepAlive;
  }

  void start() {
    if (target.isEmpty()) {
      fail(
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          "Service '"
              + target.service()
              + "' has no replica ready yet; see 'capstan serve get "
              + target.service()
              + "'",
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
          HttpResponseStatus.BAD_GATEWAY,
          "Service '" + target.service() + "' did not answer: " + lastFailure,
          version);
      return;
    }
    Channel pooled = connections.pooled(picked.http());
    if (pooled != null) {
      send(pooled);
      return;
    }
    ChannelFuture opening = connections.open(client.channel().eventLoop(), picked.http());
    opening.addListener(
        f -> {
          if (done || attempts.current() != picked) {
            opening.channel().close();
          } else if (f.isSuccess()) {
            send(opening.channel());
          } else {
            refused(picked, picked + " could not be reached: " + f.cause().getMessage());
          }
        });
  }

  private void send(Channel ch) {
    upstream = ch;
    ch.pipeline().get(HttpProxy.UpstreamHandler.class).use(this);
    DefaultFullHttpRequest forwarded =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1,
            request.method(),
            upstreamUri,
            request.content().retainedDuplicate());
    HttpHeaders in = request.headers();
    HttpHeaders out = forwarded.headers();
    out.set(HttpHeaderNames.HOST, attempts.current().httpHost());
    copy(in, out, HttpHeaderNames.CONTENT_TYPE);
    copy(in, out, INFERENCE_HEADER_LENGTH);
    out.setInt(HttpHeaderNames.CONTENT_LENGTH, request.content().readableBytes());
    if (attempts.current().authorization() != null) {
      out.set(HttpHeaderNames.AUTHORIZATION, attempts.current().authorization());
    }
    ch.writeAndFlush(forwarded, ch.voidPromise());
  }

  private static void copy(HttpHeaders in, HttpHeaders out, CharSequence name) {
    String value = in.get(name);
    if (value != null) {
      out.set(name, value);
    }
  }

  /**
   * The head of the replica's answer, on the event loop: passed on to the client at once
   * (unflushed: the body's parts follow in the same read, most often), unless it is a 503 another
   * replica may still take, whose body is then dropped as it comes.
   */
  void head(Channel ch, HttpResponse response) {
    if (done || ch != upstream) {
      ch.close();
      return;
    }
    Upstream answering = attempts.current();
    upstreamKeepAlive = HttpUtil.isKeepAlive(response);
    if (response.status().code() == 503 && attempts.left()) {
      retryBecause = answering + " answered 503";
      return;
    }
    forwarding = true;
    error = response.status().code() >= 400;
    request.release();
    requestReleased = true;
    HttpUtil.setKeepAlive(response, keepAlive);
    response.headers().set(HttpProxyHandler.VERSION_HEADER, Integer.toString(answering.version()));
    client.write(response, client.voidPromise());
  }

  /** A part of the replica's answer's body, on the event loop; the last one ends the answer. */
  void content(Channel ch, HttpContent part) {
    if (done || ch != upstream) {
      part.release();
      ch.close();
      return;
    }
    boolean last = part instanceof LastHttpContent;
    if (!forwarding) {
      part.release();
      if (last && retryBecause != null) {
        String why = retryBecause;
        retryBecause = null;
        replicaDone(ch);
        next(why);
      }
      return;
    }
    if (!last) {
      client.write(part, client.voidPromise());
      return;
    }
    Upstream answering = replicaDone(ch);
    finish();
    context
        .stats()
        .record(
            target.project(),
            target.service(),
            answering.version(),
            System.nanoTime() - started,
            error);
    handler.end(client, part, keepAlive);
  }

  /** Sends on what the client was given of the answer so far. */
  void flush() {
    if (forwarding && !done) {
      client.flush();
    }
  }

  /** The replica has answered in full: its connection goes back to the pool. */
  private Upstream replicaDone(Channel ch) {
    Upstream answering = attempts.current();
    answering.end();
    upstream = null;
    if (upstreamKeepAlive) {
      connections.release(answering.http(), ch);
    } else {
      ch.close();
    }
    return answering;
  }

  /** The connection ended before a whole answer. */
  void failed(Channel ch, String why) {
    if (done || ch != upstream) {
      return;
    }
    upstream = null;
    if (forwarding) {
      // Part of the answer is with the client already: all that is left is to end its connection.
      attempts.current().end();
      broken();
      return;
    }
    retryBecause = null;
    refused(attempts.current(), attempts.current() + ": " + why);
  }

  /** Ends an exchange whose answer was begun but cannot be completed, counted as an error. */
  private void broken() {
    finish();
    context
        .stats()
        .record(
            target.project(),
            target.service(),
            attempts.version(),
            System.nanoTime() - started,
            true);
    client.close();
  }

  private void refused(Upstream upstreamReplica, String why) {
    upstreamReplica.end();
    upstreamReplica.markFailed(System.nanoTime(), context.failedPause().toNanos());
    next(why);
  }

  private void timedOut() {
    if (done) {
      return;
    }
    Channel ch = upstream;
    if (attempts.current() != null && ch != null) {
      upstream = null;
      attempts.current().end();
      ch.close();
    }
    if (forwarding) {
      broken();
      return;
    }
    int version = attempts.version();
    fail(
        HttpResponseStatus.GATEWAY_TIMEOUT,
        "Service '"
            + target.service()
            + "' did not answer within "
            + context.requestTimeout().toMillis()
            + " ms",
        version);
  }

  private void fail(HttpResponseStatus status, String message, int version) {
    finish();
    context
        .stats()
        .record(target.project(), target.service(), version, System.nanoTime() - started, true);
    handler.respond(client, HttpProxyHandler.error(client.alloc(), status, message), keepAlive);
  }

  private void finish() {
    done = true;
    if (timeout != null) {
      timeout.cancel(false);
    }
    if (!requestReleased) {
      requestReleased = true;
      request.release();
    }
  }
}
