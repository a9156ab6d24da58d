package io.capstan.serving.grpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A hand-driven h2c connection (prior knowledge) for what grpc-java's stub cannot send: frames
 * split, ordered and reset as a test wants, any headers. Answers SETTINGS and PING; ignores flow
 * control, so a test sends less than the server's windows (1 MiB).
 */
final class RawHttp2Connection implements AutoCloseable {
  static final int DATA = 0;
  static final int HEADERS = 1;
  static final int RST_STREAM = 3;
  static final int SETTINGS = 4;
  static final int PING = 6;
  static final int GOAWAY = 7;
  static final int WINDOW_UPDATE = 8;
  static final int END_STREAM = 0x1;
  static final int END_HEADERS = 0x4;
  static final String SERVICE = "/inference.GRPCInferenceService/";

  /** A frame as read; {@code headers} decoded for HEADERS frames. */
  record Frame(int type, int flags, int stream, byte[] payload, Http2Headers headers) {
    boolean endStream() {
      return (type == DATA || type == HEADERS) && (flags & END_STREAM) != 0;
    }
  }

  /**
   * A stream's answer: its header blocks in order, DATA bytes, and the code of a RST_STREAM that
   * ended it.
   */
  record Response(List<Http2Headers> headerBlocks, byte[] body, Long resetCode) {
    String httpStatus() {
      return String.valueOf(headerBlocks.get(0).status());
    }

    /** The block that holds grpc-status: the trailers, or the only block (trailers-only). */
    Http2Headers trailers() {
      return headerBlocks.get(headerBlocks.size() - 1);
    }

    int grpcStatus() {
      return Integer.parseInt(String.valueOf(trailers().get("grpc-status")));
    }

    /** grpc-message as sent (percent-encoded). */
    String grpcMessage() {
      return String.valueOf(trailers().get("grpc-message"));
    }

    /** The one length-prefixed message of the body, without its prefix. */
    byte[] message() {
      ByteBuffer buf = ByteBuffer.wrap(body);
      if (buf.remaining() < 5 || buf.get() != 0) {
        throw new IllegalStateException("expected one uncompressed message, got " + body.length);
      }
      int length = buf.getInt();
      if (length != buf.remaining()) {
        throw new IllegalStateException("declared " + length + ", got " + buf.remaining());
      }
      byte[] message = new byte[length];
      buf.get(message);
      return message;
    }
  }

  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;
  private final DefaultHttp2HeadersEncoder hpackOut = new DefaultHttp2HeadersEncoder();
  private final DefaultHttp2HeadersDecoder hpackIn = new DefaultHttp2HeadersDecoder(false);
  private final Deque<Frame> unread = new ArrayDeque<>();

  RawHttp2Connection(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(30_000);
    out = socket.getOutputStream();
    in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
    out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    frame(SETTINGS, 0, 0, new byte[0]);
    out.flush();
  }

  /** The headers of a unary call of {@code method} of the inference service. */
  static Http2Headers call(String method) {
    return new DefaultHttp2Headers()
        .method("POST")
        .scheme("http")
        .path(SERVICE + method)
        .authority("localhost")
        .set("content-type", "application/grpc")
        .set("te", "trailers");
  }

  /** {@code message} with its prefix: flag 0, its length. */
  static byte[] prefixed(byte[] message) {
    return prefixed(0, message.length, message);
  }

  static byte[] prefixed(int flag, int declaredLength, byte[] bytes) {
    return ByteBuffer.allocate(5 + bytes.length)
        .put((byte) flag)
        .putInt(declaredLength)
        .put(bytes)
        .array();
  }

  void headers(int stream, Http2Headers headers, boolean endStream) throws IOException {
    ByteBuf block = Unpooled.buffer();
    try {
      hpackOut.encodeHeaders(stream, headers, block);
    } catch (Http2Exception e) {
      throw new IOException(e);
    }
    frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), stream, ByteBufUtil.getBytes(block));
    out.flush();
  }

  void data(int stream, byte[] bytes, boolean endStream) throws IOException {
    frame(DATA, endStream ? END_STREAM : 0, stream, bytes);
    out.flush();
  }

  void reset(int stream, int errorCode) throws IOException {
    frame(RST_STREAM, 0, stream, ByteBuffer.allocate(4).putInt(errorCode).array());
    out.flush();
  }

  /** HEADERS and one DATA that ends the stream: a whole unary call. */
  void unary(int stream, String method, byte[] message) throws IOException {
    headers(stream, call(method), false);
    data(stream, prefixed(message), true);
  }

  /**
   * Reads until {@code stream} ends (END_STREAM or RST_STREAM); other streams' frames wait. A
   * RST_STREAM that follows an END_STREAM is left for {@link #next()}.
   */
  Response response(int stream) throws IOException {
    List<Http2Headers> blocks = new ArrayList<>();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    List<Frame> others = new ArrayList<>();
    try {
      while (true) {
        Frame frame = next();
        if (frame.stream() != stream) {
          others.add(frame);
          continue;
        }
        switch (frame.type()) {
          case HEADERS -> blocks.add(frame.headers());
          case DATA -> body.write(frame.payload());
          case RST_STREAM -> {
            return new Response(
                blocks, body.toByteArray(), (long) ByteBuffer.wrap(frame.payload()).getInt());
          }
          default -> {}
        }
        if (frame.endStream()) {
          return new Response(blocks, body.toByteArray(), null);
        }
      }
    } finally {
      others.forEach(unread::addLast);
    }
  }

  /** Reads until a GOAWAY and returns its last stream id; other frames wait. */
  int awaitGoAway() throws IOException {
    List<Frame> others = new ArrayList<>();
    try {
      while (true) {
        Frame frame = next();
        if (frame.type() == GOAWAY) {
          return ByteBuffer.wrap(frame.payload()).getInt() & 0x7fffffff;
        }
        others.add(frame);
      }
    } finally {
      others.forEach(unread::addLast);
    }
  }

  /** True once the server has closed the connection (reads until the end of the stream). */
  boolean closedByServer() throws IOException {
    try {
      while (true) {
        next();
      }
    } catch (EOFException e) {
      return true;
    }
  }

  /** The next frame that is not a connection-level SETTINGS, PING or WINDOW_UPDATE. */
  Frame next() throws IOException {
    while (true) {
      Frame frame = unread.isEmpty() ? read() : unread.removeFirst();
      switch (frame.type()) {
        case SETTINGS -> {
          if ((frame.flags() & 0x1) == 0) {
            frame(SETTINGS, 0x1, 0, new byte[0]);
            out.flush();
          }
        }
        case PING -> {
          if ((frame.flags() & 0x1) == 0) {
            frame(PING, 0x1, 0, frame.payload());
            out.flush();
          }
        }
        case WINDOW_UPDATE -> {}
        default -> {
          return frame;
        }
      }
    }
  }

  /** The next frame, a header block with its CONTINUATION frames decoded (HPACK keeps state). */
  private Frame read() throws IOException {
    Frame frame = readOne();
    if (frame.type() != HEADERS) {
      return frame;
    }
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    block.write(frame.payload());
    int flags = frame.flags();
    while ((flags & END_HEADERS) == 0) {
      Frame continuation = readOne();
      block.write(continuation.payload());
      flags |= continuation.flags();
    }
    try {
      Http2Headers headers =
          hpackIn.decodeHeaders(frame.stream(), Unpooled.wrappedBuffer(block.toByteArray()));
      return new Frame(HEADERS, flags, frame.stream(), frame.payload(), headers);
    } catch (Http2Exception e) {
      throw new IOException("undecodable header block", e);
    }
  }

  private Frame readOne() throws IOException {
    byte[] head = new byte[9];
    in.readFully(head);
    ByteBuffer fields = ByteBuffer.wrap(head);
    int length = (fields.get() & 0xff) << 16 | (fields.getShort() & 0xffff);
    int type = fields.get();
    int flags = fields.get() & 0xff;
    byte[] payload = new byte[length];
    in.readFully(payload);
    return new Frame(type, flags, fields.getInt() & 0x7fffffff, payload, null);
  }

  private void frame(int type, int flags, int stream, byte[] payload) throws IOException {
    ByteBuffer head = ByteBuffer.allocate(9);
    head.put((byte) (payload.length >>> 16)).putShort((short) payload.length);
    head.put((byte) type).put((byte) flags).putInt(stream);
    out.write(head.array());
    out.write(payload);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
