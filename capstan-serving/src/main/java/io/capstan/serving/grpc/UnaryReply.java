package io.capstan.serving.grpc;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * Where the one answer of a unary call goes: a stream of our own HTTP/2 frontend or grpc-java's
 * {@link StreamObserver}, so that the service's semantics (codes, messages, gate) are written once
 * for both frontends.
 */
interface UnaryReply<R> {
  /** Answers with {@code message} and status OK. */
  void send(R message);

  /** Answers with {@code status}, which is not OK, and no message. */
  void fail(Status status);

  /** The reply of a call on grpc-java's server. */
  static <R> UnaryReply<R> of(StreamObserver<R> observer) {
    return new UnaryReply<>() {
      @Override
      public void send(R message) {
        observer.onNext(message);
        observer.onCompleted();
      }

      @Override
      public void fail(Status status) {
        observer.onError(status.asRuntimeException());
      }
    };
  }
}
