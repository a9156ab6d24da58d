package io.capstan.serving.grpc;

import io.capstan.serving.ReplicaSecret;
import io.capstan.serving.RequestGate;
import io.grpc.Status;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2EventAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.AsciiString;
import java.util.Map;

/**
 * The frames of one connection's streams, each a unary call: HEADERS open it (method, content type,
 * encoding, drain gate checked at once), DATA carry its message, the end of the stream calls it.
 * Everything runs on the connection's event loop.
 */
final class UnaryStreams extends Http2EventAdapter {
  /**
   * A stream answered at its HEADERS while the client still sends: what follows is taken and
   * dropped until the client ends it. No RST_STREAM: Netty logs every frame that follows one at
   * INFO, and a client probing for a service we lack (Kubernetes' gRPC health checks) would fill
   * the log; the bodies of such calls are small.
   */
  private static final Object REJECTED = new Object();

  private final GrpcConnectionHandler connection;
  private final Map<AsciiString, UnaryMethod<?, ?>> methods;
  private final RequestGate gate;
  private final ReplicaSecret secret;
  private final int maxRequestBytes;
  private final Http2Connection.PropertyKey callKey;

  UnaryStreams(
      GrpcConnectionHandler connection,
      Map<AsciiString, UnaryMethod<?, ?>> methods,
      RequestGate gate,
      ReplicaSecret secret,
      int maxRequestBytes) {
    this.connection = connection;
    this.methods = methods;
    this.gate = gate;
    this.secret = secret;
    this.maxRequestBytes = maxRequestBytes;
    this.callKey = connection.connection().newKey();
  }

  @Override
  public void onHeadersRead(
      ChannelHandlerContext ctx,
      int streamId,
      Http2Headers headers,
      int streamDependency,
      short weight,
      boolean exclusive,
      int padding,
      boolean endOfStream) {
    onHeadersRead(ctx, streamId, headers, padding, endOfStream);
  }

  @Override
  public void onHeadersRead(
      ChannelHandlerContext ctx,
      int streamId,
      Http2Headers headers,
      int padding,
      boolean endOfStream) {
    Http2Stream stream = connection.connection().stream(streamId);
    Object open = stream.getProperty(callKey);
    if (open != null) { // trailers: a gRPC client may end its side with them
      if (endOfStream && open instanceof UnaryCall<?, ?> call) {
        call.end();
      }
      return;
    }
    UnaryCall<?, ?> call = open(streamId, headers);
    if (call == null) {
      if (!endOfStream) {
        stream.setProperty(callKey, REJECTED);
      }
      return;
    }
    stream.setProperty(callKey, call);
    if (endOfStream) {
      call.end();
    }
  }

  /** The call the headers start, or null when they were answered at once. */
  private UnaryCall<?, ?> open(int streamId, Http2Headers headers) {
    if (!HttpMethod.POST.asciiName().contentEquals(headers.method())) {
      reject(
          streamId,
          HttpResponseStatus.METHOD_NOT_ALLOWED,
          Status.INTERNAL.withDescription(
              "expected method POST for a gRPC call, but was " + headers.method()));
      return null;
    }
    CharSequence contentType = headers.get(HttpHeaderNames.CONTENT_TYPE);
    if (!GrpcWire.isGrpcContentType(contentType)) {
      reject(
          streamId,
          HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
          Status.INTERNAL.withDescription(
              "expected content-type application/grpc, but was " + contentType));
      return null;
    }
    CharSequence encoding = headers.get(GrpcWire.GRPC_ENCODING);
    if (encoding != null && !GrpcWire.IDENTITY.contentEqualsIgnoreCase(encoding)) {
      reject(
          streamId,
          HttpResponseStatus.OK,
          Status.UNIMPLEMENTED.withDescription(
              "expected grpc-encoding identity (this server does not support compression),"
                  + " but was "
                  + encoding));
      return null;
    }
    CharSequence authorization = headers.get(HttpHeaderNames.AUTHORIZATION);
    if (!secret.allows(authorization)) {
      reject(
          streamId,
          HttpResponseStatus.OK,
          Status.UNAUTHENTICATED.withDescription(ReplicaSecret.refusal(authorization != null)));
      return null;
    }
    CharSequence path = headers.path();
    UnaryMethod<?, ?> method = path == null ? null : methods.get(AsciiString.of(path));
    if (method == null) {
      reject(
          streamId,
          HttpResponseStatus.OK,
          Status.UNIMPLEMENTED.withDescription("Method not found: " + path));
      return null;
    }
    if (method.gated() && !gate.tryEnter()) {
      reject(streamId, HttpResponseStatus.OK, InferenceGrpcService.DRAINING);
      return null;
    }
    return new UnaryCall<>(
        connection, streamId, method, method.gated() ? gate : null, maxRequestBytes);
  }

  private void reject(int streamId, HttpResponseStatus httpStatus, Status status) {
    connection.answer(streamId, GrpcWire.trailersOnly(httpStatus, status), false);
  }

  /** Every byte is taken at once (copied, or parsed before this returns): credit goes back now. */
  @Override
  public int onDataRead(
      ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
    int processed = data.readableBytes() + padding;
    Http2Stream stream = connection.connection().stream(streamId);
    if (stream != null && stream.getProperty(callKey) instanceof UnaryCall<?, ?> call) {
      call.data(data, endOfStream);
    }
    return processed;
  }

  /** Reset by the client, closed connection or answered: nothing is held any longer. */
  @Override
  public void onStreamClosed(Http2Stream stream) {
    if (stream.removeProperty(callKey) instanceof UnaryCall<?, ?> call) {
      call.closed();
    }
  }
}
