package io.capstan.runtime;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A piece of a replica's output, read by a {@link LogSource}.
 *
 * @param bytes what was read (possibly nothing; a multi-byte character may be split between chunks)
 * @param nextOffset the offset to read from next
 * @param complete the replica had finished when this was read and nothing is left after {@code
 *     nextOffset}: a reader that follows the log can stop
 */
public record LogChunk(byte[] bytes, long nextOffset, boolean complete) {
  public LogChunk {
    bytes = requireNonNull(bytes, "bytes is null").clone();
    if (nextOffset < 0) {
      throw new IllegalArgumentException(
          "Expected a non-negative next offset, but was " + nextOffset);
    }
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The bytes as UTF-8 text. */
  public String text() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof LogChunk chunk
        && Arrays.equals(bytes, chunk.bytes)
        && nextOffset == chunk.nextOffset
        && complete == chunk.complete;
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(bytes) + Long.hashCode(nextOffset))
        + Boolean.hashCode(complete);
  }

  @Override
  public String toString() {
    return "LogChunk["
        + bytes.length
        + " bytes, next "
        + nextOffset
        + ", complete "
        + complete
        + "]";
  }
}
