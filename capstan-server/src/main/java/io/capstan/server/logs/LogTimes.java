package io.capstan.server.logs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * When the bytes of an archived log file reached the archive (decision 85): a side file beside
 * {@code N.log}, {@code N.times}, with one record per appended chunk, the log's size after the
 * chunk and the time it was appended (two big-endian longs, epoch milliseconds). A byte's time is
 * its chunk's; the shipper archives every live replica's new output every second and at each read,
 * so a time is when the control plane copied the line, up to about a second after the replica wrote
 * it (longer when the control plane was down: output that waited is stamped when it was copied).
 * Bytes no record covers (logs archived before the index existed, the legacy single file) take the
 * log file's last-modified time, a bound no line can be later than.
 */
final class LogTimes {
  private static final int RECORD = 2 * Long.BYTES;

  private final long[] ends;
  private final long[] millis;
  private final long fallback;

  private LogTimes(long[] ends, long[] millis, long fallback) {
    this.ends = ends;
    this.millis = millis;
    this.fallback = fallback;
  }

  /** The index file of {@code log}: {@code N.times} beside {@code N.log}. */
  static Path indexOf(Path log) {
    String name = log.getFileName().toString();
    return log.resolveSibling(name.substring(0, name.length() - ".log".length()) + ".times");
  }

  /** Records that {@code log} has {@code size} bytes since {@code epochMillis}. */
  static void append(Path log, long size, long epochMillis) {
    ByteBuffer record = ByteBuffer.allocate(RECORD).putLong(size).putLong(epochMillis).flip();
    try (FileChannel channel =
        FileChannel.open(
            indexOf(log),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND)) {
      while (record.hasRemaining()) {
        channel.write(record);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot append to the log time index of " + log, e);
    }
  }

  /** The index of {@code log} as it is now (none when it has no index). */
  static LogTimes read(Path log) {
    long fallback;
    byte[] bytes;
    try {
      fallback = Files.getLastModifiedTime(log).toMillis();
    } catch (NoSuchFileException e) {
      return new LogTimes(new long[0], new long[0], 0);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the time of " + log, e);
    }
    try {
      bytes = Files.readAllBytes(indexOf(log));
    } catch (NoSuchFileException e) {
      bytes = new byte[0];
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the log time index of " + log, e);
    }
    int count = bytes.length / RECORD; // a record cut short by a crash is ignored
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    long[] ends = new long[count];
    long[] millis = new long[count];
    for (int i = 0; i < count; i++) {
      ends[i] = buffer.getLong();
      millis[i] = buffer.getLong();
    }
    return new LogTimes(ends, millis, fallback);
  }

  /** Whether a record covers {@code offset}; else it may be written yet (re-read to know). */
  boolean covers(long offset) {
    return ends.length > 0 && ends[ends.length - 1] > offset;
  }

  /** The time (epoch ms) the byte at {@code offset} of the log reached the archive. */
  long millisAt(long offset) {
    int found = Arrays.binarySearch(ends, offset + 1);
    int index = found >= 0 ? found : -found - 1;
    return index < ends.length ? millis[index] : fallback;
  }
}
