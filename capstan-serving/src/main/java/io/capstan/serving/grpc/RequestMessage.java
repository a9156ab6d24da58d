package io.capstan.serving.grpc;

import io.grpc.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

/**
 * The one length-prefixed message of a unary call's request, taken from DATA frames as they arrive.
 * The prefix is checked (compressed flag, declared length against the limit) before a byte of the
 * message is buffered; a message that arrives whole in the frame that ends the stream is not
 * copied.
 */
final class RequestMessage {
  /** The most buffered up front, so that a large declared length reserves no memory by itself. */
  private static final int INITIAL_CAPACITY = 1024 * 1024;

  private final long maxBytes;
  private int prefixRead;
  private int flag;
  private long declared;
  private ByteBuf body;

  RequestMessage(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /**
   * Takes a DATA frame's bytes ({@code last}: the frame ends the stream). A status is the error to
   * answer with now; null: go on.
   */
  Status add(ByteBufAllocator alloc, ByteBuf data, boolean last) {
    if (prefixRead == 0 && last && data.readableBytes() >= GrpcWire.PREFIX) {
      int at = data.readerIndex();
      Status invalid = prefix(data.getUnsignedByte(at), data.getUnsignedInt(at + 1));
      if (invalid != null) {
        return invalid;
      }
      data.skipBytes(GrpcWire.PREFIX);
      if (data.readableBytes() == declared) {
        body = data.readRetainedSlice((int) declared);
        return null;
      }
    }
    while (prefixRead < GrpcWire.PREFIX && data.isReadable()) {
      int b = data.readUnsignedByte();
      if (prefixRead++ == 0) {
        flag = b;
      } else {
        declared = declared << 8 | b;
      }
      if (prefixRead == GrpcWire.PREFIX) {
        Status invalid = prefix(flag, declared);
        if (invalid != null) {
          return invalid;
        }
      }
    }
    if (!data.isReadable()) {
      return null;
    }
    if (body == null) {
      body = alloc.buffer((int) Math.min(declared, INITIAL_CAPACITY), (int) declared);
    }
    if (data.readableBytes() > declared - body.readableBytes()) {
      return Status.INTERNAL.withDescription(
          "expected one request message in a unary call, but more bytes followed it");
    }
    body.writeBytes(data);
    return null;
  }

  private Status prefix(int flag, long length) {
    this.prefixRead = GrpcWire.PREFIX;
    this.flag = flag;
    this.declared = length;
    if (flag != 0) {
      return Status.INTERNAL.withDescription(
          "expected an uncompressed message (flag 0; this server does not support compression),"
              + " but the flag was "
              + flag);
    }
    if (length > maxBytes) {
      return Status.RESOURCE_EXHAUSTED.withDescription(
          "the request message of "
              + length
              + " bytes is larger than the limit of "
              + maxBytes
              + " bytes");
    }
    return null;
  }

  /**
   * At the end of the stream: null when one whole message arrived ({@link #take()}), else the error
   * to answer with.
   */
  Status complete() {
    if (prefixRead == 0) {
      return Status.INTERNAL.withDescription(
          "expected one request message in a unary call, but the stream ended without one");
    }
    if (prefixRead < GrpcWire.PREFIX) {
      return Status.INTERNAL.withDescription(
          "expected a message prefix of 5 bytes, but the stream ended after " + prefixRead);
    }
    long received = body == null ? 0 : body.readableBytes();
    if (received < declared) {
      return Status.INTERNAL.withDescription(
          "expected a request message of "
              + declared
              + " bytes, but the stream ended after "
              + received);
    }
    return null;
  }

  /** The complete message, which the caller releases. */
  ByteBuf take() {
    ByteBuf message = body == null ? Unpooled.EMPTY_BUFFER : body;
    body = null;
    return message;
  }

  /** Drops what was buffered (the call ended without its message being taken). */
  void release() {
    if (body != null) {
      body.release();
      body = null;
    }
  }
}
