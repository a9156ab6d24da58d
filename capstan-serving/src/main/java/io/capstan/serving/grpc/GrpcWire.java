package io.capstan.serving.grpc;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.grpc.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.ReadOnlyHttp2Headers;
import io.netty.util.AsciiString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * gRPC over HTTP/2 as our frontend writes and reads it (the gRPC PROTOCOL-HTTP2 spec): the
 * length-prefixed message, the response headers and the status trailers.
 */
final class GrpcWire {
  /** A message's prefix: the compressed flag (1 byte) and the length (4 bytes, big-endian). */
  static final int PREFIX = 5;

  static final AsciiString APPLICATION_GRPC = AsciiString.cached("application/grpc");
  static final AsciiString GRPC_ENCODING = AsciiString.cached("grpc-encoding");
  static final AsciiString IDENTITY = AsciiString.cached("identity");
  private static final AsciiString GRPC_STATUS = AsciiString.cached("grpc-status");
  private static final AsciiString GRPC_MESSAGE = AsciiString.cached("grpc-message");
  private static final AsciiString OK = HttpResponseStatus.OK.codeAsText();

  /**
   * The headers of every answer that carries a message. Read-only and shared by every connection:
   * the encoder only reads them, and HPACK indexes them after a connection's first answer.
   */
  static final Http2Headers RESPONSE_HEADERS =
      ReadOnlyHttp2Headers.serverHeaders(false, OK, HttpHeaderNames.CONTENT_TYPE, APPLICATION_GRPC);

  static final Http2Headers OK_TRAILERS =
      ReadOnlyHttp2Headers.trailers(false, GRPC_STATUS, AsciiString.cached("0"));

  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

  private GrpcWire() {}

  /**
   * True for {@code application/grpc}, {@code application/grpc+proto} and either with parameters.
   */
  static boolean isGrpcContentType(CharSequence contentType) {
    if (contentType == null) {
      return false;
    }
    AsciiString type = AsciiString.of(contentType);
    int end = type.indexOf(';', 0);
    AsciiString mediaType = (end < 0 ? type : type.subSequence(0, end, false)).trim();
    return mediaType.contentEqualsIgnoreCase(APPLICATION_GRPC)
        || mediaType.contentEqualsIgnoreCase("application/grpc+proto");
  }

  /**
   * A trailers-only answer: {@code status} (not OK) with HTTP status {@code httpStatus}, 200 for
   * every gRPC error; the others answer requests that are not gRPC at all.
   */
  static Http2Headers trailersOnly(HttpResponseStatus httpStatus, Status status) {
    String description = status.getDescription();
    return ReadOnlyHttp2Headers.serverHeaders(
        false,
        httpStatus.codeAsText(),
        HttpHeaderNames.CONTENT_TYPE,
        APPLICATION_GRPC,
        GRPC_STATUS,
        AsciiString.of(Integer.toString(status.getCode().value())),
        GRPC_MESSAGE,
        percentEncoded(description == null ? "" : description));
  }

  /**
   * {@code grpc-message}'s encoding: UTF-8, with every byte outside printable ASCII and '%' itself
   * written as {@code %XX}.
   */
  static AsciiString percentEncoded(String message) {
    byte[] utf8 = message.getBytes(StandardCharsets.UTF_8);
    int escaped = 0;
    for (byte b : utf8) {
      if (escape(b)) {
        escaped++;
      }
    }
    if (escaped == 0) {
      return new AsciiString(utf8, false);
    }
    byte[] out = new byte[utf8.length + 2 * escaped];
    int at = 0;
    for (byte b : utf8) {
      if (escape(b)) {
        out[at++] = '%';
        out[at++] = HEX[(b >> 4) & 0xf];
        out[at++] = HEX[b & 0xf];
      } else {
        out[at++] = b;
      }
    }
    return new AsciiString(out, false);
  }

  private static boolean escape(byte b) {
    return b < 0x20 || b > 0x7e || b == '%';
  }

  /**
   * The length-prefixed {@code message}, serialized straight into one pooled buffer of its exact
   * size (no intermediate array, no stream).
   */
  static ByteBuf frame(ByteBufAllocator alloc, MessageLite message) {
    int size = message.getSerializedSize();
    ByteBuf buf = alloc.buffer(PREFIX + size);
    try {
      buf.writeByte(0).writeInt(size);
      if (size > 0) {
        CodedOutputStream out = CodedOutputStream.newInstance(buf.internalNioBuffer(PREFIX, size));
        message.writeTo(out);
        out.checkNoSpaceLeft();
        buf.writerIndex(PREFIX + size);
      }
      return buf;
    } catch (IOException e) {
      buf.release();
      throw new UncheckedIOException("serializing " + message.getClass().getSimpleName(), e);
    } catch (RuntimeException e) {
      buf.release();
      throw e;
    }
  }

  /**
   * Parses a request message from {@code bytes} without copying them first. Protobuf copies what it
   * keeps ({@code bytes} fields such as raw_input_contents are not aliased), so the buffer may be
   * released once this returns.
   */
  static <Q> Q parse(Parser<Q> parser, ByteBuf bytes) throws InvalidProtocolBufferException {
    CodedInputStream input =
        bytes.nioBufferCount() == 1
            ? CodedInputStream.newInstance(bytes.nioBuffer())
            : CodedInputStream.newInstance(new ByteBufInputStream(bytes));
    Q message = parser.parseFrom(input);
    input.checkLastTagWas(0);
    return message;
  }
}
