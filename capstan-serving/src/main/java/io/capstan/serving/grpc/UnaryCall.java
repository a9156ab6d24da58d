package io.capstan.serving.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.capstan.serving.RequestGate;
import io.grpc.Status;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.EventExecutor;

/**
 * One unary call on a stream of our HTTP/2 frontend: its request message as it arrives, the drain
 * gate's admission until the implementation takes it over, and the reply, written once and only
 * while the stream is open.
 */
final class UnaryCall<Q, R> implements UnaryReply<R> {
  private final GrpcConnectionHandler connection;
  private final int streamId;
  private final UnaryMethod<Q, R> method;
  private final RequestMessage request;

  /** The gate this call was admitted by, until the implementation takes the admission over. */
  private RequestGate admission;

  private boolean clientDone;
  private boolean answered;

  UnaryCall(
      GrpcConnectionHandler connection,
      int streamId,
      UnaryMethod<Q, R> method,
      RequestGate admission,
      int maxRequestBytes) {
    this.connection = connection;
    this.streamId = streamId;
    this.method = method;
    this.admission = admission;
    this.request = new RequestMessage(maxRequestBytes);
  }

  /** A DATA frame; {@code last}: it ends the client's side. */
  void data(ByteBuf data, boolean last) {
    if (answered) {
      return;
    }
    clientDone = last;
    Status error = request.add(connection.context().alloc(), data, last);
    if (error != null) {
      fail(error);
    } else if (last) {
      end();
    }
  }

  /** The client's side ended: parses the message and calls the implementation. */
  void end() {
    clientDone = true;
    if (answered) {
      return;
    }
    Status error = request.complete();
    if (error != null) {
      fail(error);
      return;
    }
    Q message;
    ByteBuf bytes = request.take();
    try {
      message = GrpcWire.parse(method.parser(), bytes);
    } catch (InvalidProtocolBufferException e) {
      fail(InferenceGrpcService.malformed(method.bareName(), e));
      return;
    } finally {
      bytes.release();
    }
    admission = null; // the implementation exits the gate once it has answered
    try {
      method.implementation().accept(message, this);
    } catch (RuntimeException e) {
      fail(InferenceGrpcService.status(e)); // as grpc-java would, but with the cause's message
    }
  }

  @Override
  public void send(R message) {
    if (claimAnswer(() -> send(message))) {
      connection.answer(
          streamId, GrpcWire.frame(connection.context().alloc(), (MessageLite) message));
    }
  }

  /**
   * Answers {@code status}; when the client is still sending (its message broke a rule on the way:
   * compressed, over the limit, a second one), RST_STREAM(NO_ERROR) tells it to stop.
   */
  @Override
  public void fail(Status status) {
    if (claimAnswer(() -> fail(status))) {
      release();
      connection.answer(
          streamId, GrpcWire.trailersOnly(HttpResponseStatus.OK, status), !clientDone);
    }
  }

  /**
   * True when the caller is to write the answer now: on the connection's event loop (else {@code
   * again} runs there), and the first answer while the stream is open.
   */
  private boolean claimAnswer(Runnable again) {
    EventExecutor loop = connection.context().executor();
    if (!loop.inEventLoop()) {
      loop.execute(again);
      return false;
    }
    if (answered) {
      return false;
    }
    answered = true;
    return true;
  }

  /** The stream is closed: a later reply is dropped. */
  void closed() {
    answered = true;
    release();
  }

  private void release() {
    request.release();
    if (admission != null) {
      admission.exit();
      admission = null;
    }
  }
}
