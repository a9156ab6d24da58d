package io.capstan.server.identity;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import java.util.regex.Pattern;

/** The naming rule of users and projects: DNS-1123 labels of at most 50 characters. */
public final class Names {
  public static final int MAX_LENGTH = 50;

  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");

  private Names() {}

  public static boolean isLabel(String value) {
    return value != null && value.length() <= MAX_LENGTH && LABEL.matcher(value).matches();
  }

  /** Returns {@code value} if it is a label, else throws INVALID_ARGUMENT naming {@code field}. */
  public static String requireLabel(String field, String value) {
    if (!isLabel(value)) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          field,
          "Expected "
              + field
              + " to be a DNS-1123 label (1 to "
              + MAX_LENGTH
              + " lowercase letters, digits or '-', starting and ending with a letter or digit),"
              + " but was "
              + (value == null ? "missing" : "'" + value + "'"));
    }
    return value;
  }
}
