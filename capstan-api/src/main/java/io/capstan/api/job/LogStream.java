package io.capstan.api.job;

/** What a followed log ({@code GET .../logs?follow=true}) may end with besides the job's output. */
public final class LogStream {
  /**
   * The last line of a followed log whose reader lost access while it streamed (its token deleted,
   * its membership removed); nothing of the log follows it.
   */
  public static final String REVOKED_LINE =
      "capstan: log stream ended: access was revoked (token deleted or membership removed)";

  private LogStream() {}
}
