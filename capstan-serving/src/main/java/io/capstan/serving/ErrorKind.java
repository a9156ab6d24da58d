package io.capstan.serving;

import io.grpc.Status;

/**
 * The families of errors the server answers with, and the one place that maps them onto HTTP status
 * codes and gRPC status codes.
 */
public enum ErrorKind {
  /** The request is malformed or does not fit the model: wrong shape, datatype, missing input. */
  BAD_REQUEST(400, Status.Code.INVALID_ARGUMENT),
  /** The request lacks the replica's secret ({@link ReplicaSecret}). */
  UNAUTHENTICATED(401, Status.Code.UNAUTHENTICATED),
  /** No such model, version or path. */
  NOT_FOUND(404, Status.Code.NOT_FOUND),
  /** The HTTP method is not allowed on the path. */
  METHOD_NOT_ALLOWED(405, Status.Code.UNIMPLEMENTED),
  /** The request is larger than {@code --max-request-bytes}. */
  TOO_LARGE(413, Status.Code.RESOURCE_EXHAUSTED),
  /** The server is draining or the model is not ready. */
  UNAVAILABLE(503, Status.Code.UNAVAILABLE),
  /** Inference failed for a reason that is not the caller's. */
  INTERNAL(500, Status.Code.INTERNAL);

  private final int httpStatus;
  private final Status.Code grpcCode;

  ErrorKind(int httpStatus, Status.Code grpcCode) {
    this.httpStatus = httpStatus;
    this.grpcCode = grpcCode;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public Status.Code grpcCode() {
    return grpcCode;
  }
}
