package io.capstan.bench;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A lean blocking gRPC client on one HTTP/2 connection (h2c with prior knowledge) on a plain
 * socket: the calling thread writes a prepared unary call (HEADERS and DATA in one write) and reads
 * frames back until the trailers. Lean like {@link KeepAliveHttp}, so that the benchmark measures
 * the server, where grpc-java's blocking stub hands every call to its event loop and back.
 */
final class LeanGrpc implements AutoCloseable {
  private static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final int DATA = 0;
  private static final int HEADERS = 1;
  private static final int RST_STREAM = 3;
  private static final int SETTINGS = 4;
  private static final int PING = 6;
  private static final int GOAWAY = 7;
  private static final int WINDOW_UPDATE = 8;
  private static final int CONTINUATION = 9;
  private static final int END_STREAM = 0x1;
  private static final int ACK = 0x1;
  private static final int END_HEADERS = 0x4;
  private static final int PADDED = 0x8;
  private static final int PRIORITY = 0x20;
  private static final int MAX_WINDOW = Integer.MAX_VALUE;
  private static final int DEFAULT_WINDOW = 65_535;
  private static final int DEFAULT_MAX_FRAME = 16_384;

  /** A call the server answered with a grpc-status other than OK. */
  static final class StatusException extends IOException {
    private final int code;

    StatusException(int code, String message) {
      super("grpc-status " + code + ": " + message);
      this.code = code;
    }

    int code() {
      return code;
    }
  }

  private final String host;
  private final int port;
  private final int messageLength;

  /** HEADERS and DATA of a call, stream ids patched in per call. */
  private final byte[] request;

  private Socket socket;
  private OutputStream out;
  private DataInputStream in;
  private DefaultHttp2HeadersDecoder hpack;
  private int nextStream;
  private long sendWindow;
  private long received;

  LeanGrpc(String host, int port, String method, byte[] message) {
    this(host, port, method, message, Map.of());
  }

  /**
   * @param method the full method path, e.g. {@code /inference.GRPCInferenceService/ModelInfer}
   * @param message the serialized request message, sent as is
   * @param metadata extra request headers (lower-case names)
   */
  LeanGrpc(String host, int port, String method, byte[] message, Map<String, String> metadata) {
    if (message.length + 5 > DEFAULT_MAX_FRAME) {
      throw new IllegalArgumentException(
          "expected a message of at most "
              + (DEFAULT_MAX_FRAME - 5)
              + " bytes (one DATA frame), but it has "
              + message.length);
    }
    this.host = host;
    this.port = port;
    this.messageLength = message.length;
    this.request = request(headerBlock(host + ":" + port, method, metadata), message);
  }

  /**
   * HPACK without the dynamic table: {@code :method POST} and {@code :scheme http} indexed, the
   * rest literal without indexing, so the same block serves every call on the connection.
   */
  private static byte[] headerBlock(String authority, String method, Map<String, String> metadata) {
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    block.write(0x83); // :method POST (static index 3)
    block.write(0x86); // :scheme http (static index 6)
    literal(block, 4, null, method); // :path
    literal(block, 1, null, authority); // :authority
    literal(block, 31, null, "application/grpc"); // content-type
    literal(block, 0, "te", "trailers");
    metadata.forEach((name, value) -> literal(block, 0, name, value));
    return block.toByteArray();
  }

  private static void literal(
      ByteArrayOutputStream block, int nameIndex, String name, String value) {
    integer(block, 0x00, 4, nameIndex);
    if (name != null) {
      string(block, name);
    }
    string(block, value);
  }

  private static void string(ByteArrayOutputStream block, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    integer(block, 0x00, 7, bytes.length); // no Huffman coding
    block.write(bytes, 0, bytes.length);
  }

  /** An HPACK integer with an {@code prefixBits}-bit prefix after the {@code flags} bits. */
  private static void integer(ByteArrayOutputStream block, int flags, int prefixBits, int value) {
    int max = (1 << prefixBits) - 1;
    if (value < max) {
      block.write(flags | value);
      return;
    }
    block.write(flags | max);
    value -= max;
    while (value >= 0x80) {
      block.write((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    block.write(value);
  }

  /** Makes one unary call and returns the response message's bytes. */
  byte[] call() throws IOException {
    if (socket == null) {
      connect();
    }
    int stream = nextStream;
    nextStream += 2;
    try {
      while (sendWindow < messageLength + 5) {
        handleOther(readFrame(), stream);
      }
      sendWindow -= messageLength + 5;
      writeInt(request, 5, stream);
      writeInt(request, request.length - messageLength - 9, stream);
      out.write(request);
      out.flush();
      return response(stream);
    } catch (StatusException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private void connect() throws IOException {
    socket = new Socket(host, port);
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(30_000);
    out = socket.getOutputStream();
    in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
    hpack = new DefaultHttp2HeadersDecoder(false);
    nextStream = 1;
    sendWindow = DEFAULT_WINDOW;
    received = 0;
    ByteArrayOutputStream start = new ByteArrayOutputStream();
    start.write(PREFACE);
    // SETTINGS: no push, the largest stream window; then open the connection window as far.
    byte[] settings = {0, 2, 0, 0, 0, 0, 0, 4, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    frame(start, SETTINGS, 0, 0, settings);
    frame(start, WINDOW_UPDATE, 0, 0, int32(MAX_WINDOW - DEFAULT_WINDOW));
    out.write(start.toByteArray());
    out.flush();
  }

  private static byte[] request(byte[] headerBlock, byte[] message) {
    ByteArrayOutputStream frames =
        new ByteArrayOutputStream(headerBlock.length + message.length + 32);
    frame(frames, HEADERS, END_HEADERS, 1, headerBlock);
    byte[] data = new byte[message.length + 5];
    writeInt(data, 1, message.length); // byte 0: not compressed
    System.arraycopy(message, 0, data, 5, message.length);
    frame(frames, DATA, END_STREAM, 1, data);
    return frames.toByteArray();
  }

  private byte[] response(int stream) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    boolean headersSeen = false;
    while (true) {
      Frame frame = readFrame();
      if (frame.stream != stream) {
        handleOther(frame, stream);
        continue;
      }
      switch (frame.type) {
        case DATA -> {
          received += frame.payload.length;
          body.write(frame.payload, frame.offset(), frame.contentLength());
          if (received > MAX_WINDOW / 2) {
            out.write(frame(WINDOW_UPDATE, 0, 0, int32((int) received)));
            received = 0;
          }
        }
        case HEADERS -> {
          Http2Headers headers = headers(frame);
          boolean trailers = (frame.flags & END_STREAM) != 0;
          if (!headersSeen && headers.status() != null && !"200".contentEquals(headers.status())) {
            throw new IOException("HTTP status " + headers.status() + " for a gRPC call");
          }
          headersSeen = true;
          if (trailers) {
            return message(headers, body.toByteArray());
          }
        }
        case RST_STREAM -> throw new IOException("the server reset stream " + stream);
        default -> {
          // PRIORITY and unknown frames on the stream carry nothing for a unary call.
        }
      }
    }
  }

  private static byte[] message(Http2Headers trailers, byte[] body) throws IOException {
    CharSequence status = trailers.get("grpc-status");
    if (status == null) {
      throw new IOException("no grpc-status in the trailers: " + trailers);
    }
    int code = Integer.parseInt(status.toString());
    if (code != 0) {
      CharSequence text = trailers.get("grpc-message");
      throw new StatusException(code, text == null ? "" : text.toString());
    }
    if (body.length < 5 || body[0] != 0) {
      throw new IOException(
          "expected one uncompressed gRPC message, but got " + body.length + " bytes");
    }
    int length = readInt(body, 1);
    if (length != body.length - 5) {
      throw new IOException(
          "expected one message of " + length + " bytes, but got " + (body.length - 5));
    }
    return java.util.Arrays.copyOfRange(body, 5, body.length);
  }

  /** Decodes a header block, reading its CONTINUATION frames; every block goes through HPACK. */
  private Http2Headers headers(Frame first) throws IOException {
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    int skip = (first.flags & PRIORITY) != 0 ? 5 : 0;
    block.write(first.payload, first.offset() + skip, first.contentLength() - skip);
    for (int flags = first.flags; (flags & END_HEADERS) == 0; ) {
      Frame next = readFrame();
      if (next.type != CONTINUATION) {
        throw new IOException("expected CONTINUATION, but got frame type " + next.type);
      }
      block.write(next.payload, 0, next.payload.length);
      flags = next.flags;
    }
    try {
      return hpack.decodeHeaders(first.stream, Unpooled.wrappedBuffer(block.toByteArray()));
    } catch (Http2Exception e) {
      throw new IOException("undecodable header block", e);
    }
  }

  /** Connection-level frames, and what is left of streams already answered. */
  private void handleOther(Frame frame, int stream) throws IOException {
    switch (frame.type) {
      case SETTINGS -> {
        if ((frame.flags & ACK) == 0) {
          out.write(frame(SETTINGS, ACK, 0, new byte[0]));
          out.flush();
        }
      }
      case PING -> {
        if ((frame.flags & ACK) == 0) {
          out.write(frame(PING, ACK, 0, frame.payload));
          out.flush();
        }
      }
      case WINDOW_UPDATE -> {
        if (frame.stream == 0) {
          sendWindow += readInt(frame.payload, 0) & 0x7fffffff;
        }
      }
      case GOAWAY -> throw new IOException("the server sent GOAWAY");
      case HEADERS -> headers(frame); // keeps the HPACK table in step
      case DATA -> received += frame.payload.length;
      default -> {
        // PRIORITY, RST_STREAM of an earlier stream, unknown types: nothing to do.
      }
    }
    if (frame.stream > stream) {
      throw new IOException("frame for stream " + frame.stream + " that was never opened");
    }
  }

  private record Frame(int type, int flags, int stream, byte[] payload) {
    int offset() {
      return (flags & PADDED) != 0 && (type == DATA || type == HEADERS) ? 1 : 0;
    }

    int contentLength() {
      int padding = offset() == 1 ? payload[0] & 0xff : 0;
      return payload.length - offset() - padding;
    }
  }

  private Frame readFrame() throws IOException {
    int length = in.readUnsignedByte() << 16 | in.readUnsignedShort();
    int type = in.readUnsignedByte();
    int flags = in.readUnsignedByte();
    int stream = in.readInt() & 0x7fffffff;
    byte[] payload = new byte[length];
    in.readFully(payload);
    return new Frame(type, flags, stream, payload);
  }

  private static byte[] frame(int type, int flags, int stream, byte[] payload) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(9 + payload.length);
    frame(bytes, type, flags, stream, payload);
    return bytes.toByteArray();
  }

  private static void frame(
      ByteArrayOutputStream out, int type, int flags, int stream, byte[] payload) {
    out.write(payload.length >>> 16);
    out.write(payload.length >>> 8);
    out.write(payload.length);
    out.write(type);
    out.write(flags);
    out.write(int32(stream), 0, 4);
    out.write(payload, 0, payload.length);
  }

  private static byte[] int32(int value) {
    return new byte[] {
      (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value
    };
  }

  private static void writeInt(byte[] bytes, int at, int value) {
    bytes[at] = (byte) (value >>> 24);
    bytes[at + 1] = (byte) (value >>> 16);
    bytes[at + 2] = (byte) (value >>> 8);
    bytes[at + 3] = (byte) value;
  }

  private static int readInt(byte[] bytes, int at) {
    return (bytes[at] & 0xff) << 24
        | (bytes[at + 1] & 0xff) << 16
        | (bytes[at + 2] & 0xff) << 8
        | (bytes[at + 3] & 0xff);
  }

  @Override
  public void close() throws IOException {
    if (socket != null) {
      Socket open = socket;
      socket = null;
      open.close();
    }
  }
}
