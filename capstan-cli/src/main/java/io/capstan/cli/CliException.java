package io.capstan.cli;

import static java.util.Objects.requireNonNull;

/**
 * A failure the CLI reports as {@code error: <message>} (plus {@code field: <field>} when the
 * server named one) and ends with {@link #exitCode()}.
 */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;
  private final String field;

  public CliException(int exitCode, String message) {
    this(exitCode, message, null, null);
  }

  public CliException(int exitCode, String message, Throwable cause) {
    this(exitCode, message, null, cause);
  }

  public CliException(int exitCode, String message, String field, Throwable cause) {
    super(requireNonNull(message, "message is null"), cause);
    this.exitCode = exitCode;
    this.field = field;
  }

  public static CliException usage(String message) {
    return new CliException(ExitCodes.USAGE, message);
  }

  public int exitCode() {
    return exitCode;
  }

  /** The path of the offending input field as the server named it, or null. */
  public String field() {
    return field;
  }
}
