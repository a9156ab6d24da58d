package io.capstan.api.error;

/** Stable error codes of the API, each with its family and HTTP status. */
public enum ErrorCode {
  INVALID_ARGUMENT(ErrorFamily.USER_ERROR, 400),
  INVALID_SPEC(ErrorFamily.USER_ERROR, 400),
  UNAUTHENTICATED(ErrorFamily.USER_ERROR, 401),
  PERMISSION_DENIED(ErrorFamily.USER_ERROR, 403),
  NOT_FOUND(ErrorFamily.USER_ERROR, 404),
  ALREADY_EXISTS(ErrorFamily.USER_ERROR, 409),
  INVALID_STATE(ErrorFamily.USER_ERROR, 409),
  /**
   * The object changed since the caller read it (another writer won a compare-and-set, or an {@code
   * If-Match} named an older {@code resourceVersion}): read it again and decide again.
   */
  CONFLICT(ErrorFamily.USER_ERROR, 409),
  PAYLOAD_TOO_LARGE(ErrorFamily.USER_ERROR, 413),
  UNSUPPORTED_MEDIA_TYPE(ErrorFamily.USER_ERROR, 415),
  EXCEEDS_CAPACITY(ErrorFamily.INSUFFICIENT_RESOURCES, 422),
  INTERNAL(ErrorFamily.INTERNAL_ERROR, 500),
  UNAVAILABLE(ErrorFamily.INTERNAL_ERROR, 503);

  private final ErrorFamily family;
  private final int httpStatus;

  ErrorCode(ErrorFamily family, int httpStatus) {
    this.family = family;
    this.httpStatus = httpStatus;
  }

  public ErrorFamily family() {
    return family;
  }

  public int httpStatus() {
    return httpStatus;
  }
}
