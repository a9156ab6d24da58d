package io.capstan.serving;

import static java.util.Objects.requireNonNull;

/** An error to answer with: its kind picks the HTTP or gRPC status, its message the v2 body. */
public final class ServingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorKind kind;

  public ServingException(ErrorKind kind, String message) {
    super(message);
    this.kind = requireNonNull(kind, "kind is null");
  }

  public ServingException(ErrorKind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = requireNonNull(kind, "kind is null");
  }

  public ErrorKind kind() {
    return kind;
  }

  public static ServingException badRequest(String message) {
    return new ServingException(ErrorKind.BAD_REQUEST, message);
  }

  public static ServingException notFound(String message) {
    return new ServingException(ErrorKind.NOT_FOUND, message);
  }
}
