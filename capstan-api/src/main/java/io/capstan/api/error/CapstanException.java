package io.capstan.api.error;

import static java.util.Objects.requireNonNull;

/** An error with a stable code, a plain message and, for bad input, the offending field path. */
public class CapstanException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final String field;

  public CapstanException(ErrorCode code, String message) {
    this(code, null, message, null);
  }

  public CapstanException(ErrorCode code, String field, String message) {
    this(code, field, message, null);
  }

  public CapstanException(ErrorCode code, String field, String message, Throwable cause) {
    super(requireNonNull(message, "message is null"), cause);
    this.code = requireNonNull(code, "code is null");
    this.field = field;
  }

  public static CapstanException invalidSpec(String field, String message) {
    return new CapstanException(ErrorCode.INVALID_SPEC, field, message);
  }

  public static CapstanException notFound(String message) {
    return new CapstanException(ErrorCode.NOT_FOUND, message);
  }

  public ErrorCode code() {
    return code;
  }

  /** The path of the offending field, or null when the error is not about one field. */
  public String field() {
    return field;
  }
}
