package io.capstan.jobspec;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import java.util.regex.Pattern;

/**
 * The path of a field in a spec document, such as {@code
 * spec.pytorchReplicaSpecs.Worker.template.spec.containers[0].resources.limits.cpu}.
 *
 * <p>Keys that are not plain identifiers are written in brackets: {@code limits[nvidia.com/gpu]}.
 */
record FieldPath(String text) {
  static final FieldPath ROOT = new FieldPath("");

  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");

  FieldPath {
    requireNonNull(text, "text is null");
  }

  FieldPath child(String key) {
    if (!PLAIN_KEY.matcher(key).matches()) {
      return new FieldPath(text + "[" + key + "]");
    }
    return new FieldPath(text.isEmpty() ? key : text + "." + key);
  }

  FieldPath index(int index) {
    return new FieldPath(text + "[" + index + "]");
  }

  /** An {@link ErrorCode#INVALID_SPEC} error about this field; the root names no field. */
  CapstanException invalid(String message) {
    return invalid(message, null);
  }

  CapstanException invalid(String message, Throwable cause) {
    return new CapstanException(
        ErrorCode.INVALID_SPEC, text.isEmpty() ? null : text, message, cause);
  }

  @Override
  public String toString() {
    return text;
  }
}
