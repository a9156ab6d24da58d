package io.capstan.cli.job;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes each whole line of one replica's log to a stream that several replicas share, as {@code
 * PREFIX | line}; a line goes out in one write under the shared lock, so lines of replicas followed
 * at once never interleave. {@link #close} ends a last line that has no newline.
 */
final class PrefixedLines extends OutputStream {
  private final OutputStream out;
  private final Object lock;
  private final byte[] prefix;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();

  PrefixedLines(OutputStream out, Object lock, String replica) {
    this.out = requireNonNull(out, "out is null");
    this.lock = requireNonNull(lock, "lock is null");
    this.prefix = (replica + " | ").getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void write(int b) throws IOException {
    line.write(b);
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
        emit();
        start = i + 1;
      }
    }
    line.write(bytes, start, offset + length - start);
  }

  @Override
  public void close() throws IOException {
    if (line.size() > 0) {
      line.write('\n');
      emit();
    }
  }

  private void emit() throws IOException {
    synchronized (lock) {
      out.write(prefix);
      line.writeTo(out);
      out.flush();
    }
    line.reset();
  }
}
