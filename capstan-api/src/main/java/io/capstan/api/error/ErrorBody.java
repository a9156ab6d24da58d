package io.capstan.api.error;

import static java.util.Objects.requireNonNull;

/**
 * The one error format of the REST API.
 *
 * @param code stable machine-readable code
 * @param family the error family of {@code code}
 * @param status the HTTP status
 * @param message what was expected and what was found, in plain words
 * @param field the path of the offending input field ({@code spec.replicas[0].count}), or null
 */
public record ErrorBody(
    ErrorCode code, ErrorFamily family, int status, String message, String field) {
  public ErrorBody {
    requireNonNull(code, "code is null");
    requireNonNull(family, "family is null");
    requireNonNull(message, "message is null");
  }

  public static ErrorBody of(CapstanException e) {
    return new ErrorBody(
        e.code(), e.code().family(), e.code().httpStatus(), e.getMessage(), e.field());
  }
}
