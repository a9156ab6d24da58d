package io.capstan.server.logs;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.function.LongUnaryOperator;

/**
 * What a reader asked of a log's lines (decision 85): only those that reached the archive at or
 * after {@code since}, and each prefixed with that time ({@code 2026-01-02T03:04:05.678Z }) when
 * {@code timestamps}, as {@code kubectl logs --since-time --timestamps} prints them.
 *
 * @param since the earliest time of a line to show, or null for all
 * @param timestamps whether each line starts with its time and a space
 */
public record LogLines(Instant since, boolean timestamps) {
  /** Every line as written. */
  public static final LogLines ALL = new LogLines(null, false);

  /** Fixed width, so that timestamped lines align: {@code 2026-01-02T03:04:05.000Z}. */
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /**
   * The lines a log request asks for by its query: {@code sinceSeconds} (lines of the last N
   * seconds, by the server's clock) or {@code sinceTime} (an ISO-8601 instant), not both, and
   * {@code timestamps}. Refusals name the parameter.
   */
  public static LogLines of(Long sinceSeconds, String sinceTime, boolean timestamps, Clock clock) {
    if (sinceSeconds != null && sinceTime != null) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          "sinceSeconds",
          "Expected at most one of sinceSeconds and sinceTime, but both were given");
    }
    Instant since = null;
    if (sinceSeconds != null) {
      if (sinceSeconds < 1) {
        throw new CapstanException(
            ErrorCode.INVALID_ARGUMENT,
            "sinceSeconds",
            "Expected sinceSeconds to be at least 1, but was " + sinceSeconds);
      }
      since = clock.instant().minusSeconds(sinceSeconds);
    }
    if (sinceTime != null) {
      try {
        since = Instant.parse(sinceTime);
      } catch (DateTimeParseException e) {
        throw new CapstanException(
            ErrorCode.INVALID_ARGUMENT,
            "sinceTime",
            "Expected sinceTime to be an ISO-8601 instant such as 2026-01-02T03:04:05Z, but was '"
                + sinceTime
                + "'",
            e);
      }
    }
    return new LogLines(since, timestamps);
  }

  boolean raw() {
    return since == null && !timestamps;
  }

  /**
   * A stream that takes the log's bytes from {@code position} on and writes the lines this asks for
   * to {@code out}; {@code millisAt} is the archive time of a byte of the log. A line's time is
   * that of its last byte, when the whole line had arrived.
   */
  Filter filter(OutputStream out, long position, LongUnaryOperator millisAt) {
    return new Filter(out, position, millisAt);
  }

  /** Buffers one line at a time and writes it, with its time, when it is complete. */
  final class Filter extends OutputStream {
    private final OutputStream out;
    private final LongUnaryOperator millisAt;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private long position;

    private Filter(OutputStream out, long position, LongUnaryOperator millisAt) {
      this.out = requireNonNull(out, "out is null");
      this.position = position;
      this.millisAt = requireNonNull(millisAt, "millisAt is null");
    }

    @Override
    public void write(int b) throws IOException {
      line.write(b);
      position++;
      if (b == '\n') {
        emit();
      }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      int start = offset;
      for (int i = offset; i < offset + length; i++) {
        if (bytes[i] == '\n') {
          line.write(bytes, start, i + 1 - start);
          position += i + 1 - start;
          start = i + 1;
          emit();
        }
      }
      line.write(bytes, start, offset + length - start);
      position += offset + length - start;
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    /** Writes a last line that has no newline yet (the log has ended, or the reader stops). */
    void finish() throws IOException {
      if (line.size() > 0) {
        emit();
      }
      out.flush();
    }

    private void emit() throws IOException {
      long millis = millisAt.applyAsLong(position - 1);
      if (since == null || millis >= since.toEpochMilli()) {
        if (timestamps) {
          out.write(
              (TIME.format(Instant.ofEpochMilli(millis)) + " ").getBytes(StandardCharsets.UTF_8));
        }
        line.writeTo(out);
      }
      line.reset();
    }
  }
}
