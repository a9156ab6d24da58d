package io.capstan.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** The exit codes of the {@code capstan} command, stable so that scripts can branch on them. */
public final class ExitCodes {
  private ExitCodes() {}

  /** The command did what was asked. */
  public static final int OK = 0;

  /** An error, or {@code wait} saw the job fail or be cancelled. */
  public static final int ERROR = 1;

  /** The command line was wrong: unknown option, missing argument, malformed value. */
  public static final int USAGE = 2;

  /** The server does not know the job, project, user or token (or hides it from the caller). */
  public static final int NOT_FOUND = 3;

  /** The token is missing or invalid, or the caller may not do this. */
  public static final int UNAUTHORIZED = 4;

  /** The server could not be reached. */
  public static final int UNREACHABLE = 5;

  /** {@code wait} timed out before the job finished (the code {@code timeout(1)} uses). */
  public static final int TIMEOUT = 124;

  /** The codes and what they mean, in order, for the usage message. */
  public static Map<String, String> descriptions() {
    Map<String, String> codes = new LinkedHashMap<>();
    codes.put(Integer.toString(OK), "ok");
    codes.put(Integer.toString(ERROR), "error, or 'wait' saw the job fail or be cancelled");
    codes.put(Integer.toString(USAGE), "usage error");
    codes.put(Integer.toString(NOT_FOUND), "not found");
    codes.put(Integer.toString(UNAUTHORIZED), "unauthenticated or permission denied");
    codes.put(Integer.toString(UNREACHABLE), "server unreachable");
    codes.put(Integer.toString(TIMEOUT), "'wait' timed out");
    return codes;
  }
}
