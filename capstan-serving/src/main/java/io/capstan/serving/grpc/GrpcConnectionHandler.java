package io.capstan.serving.grpc;

import io.capstan.serving.ReplicaSecret;
import io.capstan.serving.RequestGate;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2LocalFlowController;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.UniformStreamByteDistributor;
import io.netty.util.AsciiString;
import java.util.Map;

/**
 * One h2c connection of our gRPC frontend: Netty's HTTP/2 codec (preface, SETTINGS, PING, flow
 * control, HPACK, GOAWAY on close) with {@link UnaryStreams} as its frame listener, and the writes
 * of an answer: headers, message and trailers, flushed once.
 */
final class GrpcConnectionHandler extends Http2ConnectionHandler {
  /**
   * Streams a client may have open at once. RFC 9113 asks for at least 100; a grpc-java client
   * queues calls beyond it, and each stream may buffer a request of up to the size limit.
   */
  static final int MAX_CONCURRENT_STREAMS = 256;

  /** Stream and connection receive window, as grpc-java's server: a 1 MiB request in one go. */
  static final int WINDOW = 1024 * 1024;

  /** grpc-java's default; gRPC metadata beyond it is refused. */
  static final int MAX_HEADER_LIST_SIZE = 8192;

  private ChannelHandlerContext ctx;
  private boolean windowOpened;
  private boolean flushScheduled;
  private final Runnable flushTask = this::flushNow;

  private GrpcConnectionHandler(
      Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings) {
    super(decoder, encoder, settings);
  }

  /** A handler for one connection. */
  static GrpcConnectionHandler create(
      Map<AsciiString, UnaryMethod<?, ?>> methods,
      RequestGate gate,
      ReplicaSecret secret,
      int maxRequestBytes) {
    return new Builder(methods, gate, secret, maxRequestBytes).create();
  }

  ChannelHandlerContext context() {
    return ctx;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    this.ctx = ctx;
    super.handlerAdded(ctx);
    openConnectionWindow();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    super.channelActive(ctx);
    openConnectionWindow();
  }

  /**
   * SETTINGS only sets the streams' initial window; the connection's starts at 64 KiB and is opened
   * by a WINDOW_UPDATE, after the preface.
   */
  private void openConnectionWindow() throws Http2Exception {
    if (windowOpened || !ctx.channel().isActive()) {
      return;
    }
    windowOpened = true;
    Http2Stream connection = connection().connectionStream();
    Http2LocalFlowController flow = decoder().flowController();
    int delta = WINDOW - flow.windowSize(connection);
    if (delta > 0) {
      flow.incrementWindowSize(connection, delta);
      ctx.flush();
    }
  }

  /**
   * Flushes in a task of the event loop, once for everything written meanwhile: after the reads of
   * every connection the loop found ready, as grpc-java's write queue does. Side by side with a
   * flush at the end of each connection's read, it answered as fast at concurrency 1 and some 10%
   * more calls at 64 (one connection each) on two cores.
   */
  @Override
  public void flush(ChannelHandlerContext ctx) {
    if (!flushScheduled) {
      flushScheduled = true;
      ctx.executor().execute(flushTask);
    }
  }

  private void flushNow() {
    flushScheduled = false;
    super.flush(ctx);
  }

  /** Answers a call with {@code message} (length-prefixed, released by the write) and OK. */
  void answer(int streamId, ByteBuf message) {
    Http2ConnectionEncoder encoder = encoder();
    encoder.writeHeaders(ctx, streamId, GrpcWire.RESPONSE_HEADERS, 0, false, ctx.newPromise());
    encoder.writeData(ctx, streamId, message, 0, false, ctx.newPromise());
    encoder.writeHeaders(ctx, streamId, GrpcWire.OK_TRAILERS, 0, true, ctx.newPromise());
    flush(ctx);
  }

  /**
   * Answers a call with one HEADERS frame that ends the stream; {@code reset}: the client is still
   * sending, and RST_STREAM(NO_ERROR) tells it to stop (RFC 9113, 8.1).
   */
  void answer(int streamId, Http2Headers trailersOnly, boolean reset) {
    encoder().writeHeaders(ctx, streamId, trailersOnly, 0, true, ctx.newPromise());
    if (reset) {
      resetStream(ctx, streamId, Http2Error.NO_ERROR.code(), ctx.newPromise());
    }
    flush(ctx);
  }

  private static final class Builder
      extends AbstractHttp2ConnectionHandlerBuilder<GrpcConnectionHandler, Builder> {
    private final Map<AsciiString, UnaryMethod<?, ?>> methods;
    private final RequestGate gate;
    private final ReplicaSecret secret;
    private final int maxRequestBytes;

    Builder(
        Map<AsciiString, UnaryMethod<?, ?>> methods,
        RequestGate gate,
        ReplicaSecret secret,
        int maxRequestBytes) {
      this.methods = methods;
      this.gate = gate;
      this.secret = secret;
      this.maxRequestBytes = maxRequestBytes;
      // Streams share the connection's send window evenly: answers are small and unary, and
      // Netty's default (weighted fair queueing by priority) was a tenth of a call's CPU.
      DefaultHttp2Connection connection = new DefaultHttp2Connection(true);
      connection
          .remote()
          .flowController(
              new DefaultHttp2RemoteFlowController(
                  connection, new UniformStreamByteDistributor(connection)));
      connection(connection);
      initialSettings(
          new Http2Settings()
              .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
              .initialWindowSize(WINDOW)
              .maxHeaderListSize(MAX_HEADER_LIST_SIZE));
      // Closing the channel sends GOAWAY and waits for the streams in flight, however long: the
      // drain timeout bounds the wait, and stopping the event loops ends what is left.
      gracefulShutdownTimeoutMillis(-1);
    }

    GrpcConnectionHandler create() {
      return build();
    }

    @Override
    protected GrpcConnectionHandler build(
        Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings) {
      GrpcConnectionHandler handler = new GrpcConnectionHandler(decoder, encoder, settings);
      UnaryStreams streams = new UnaryStreams(handler, methods, gate, secret, maxRequestBytes);
      decoder.frameListener(streams);
      handler.connection().addListener(streams);
      return handler;
    }
  }
}
