package io.capstan.server.logs;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * One replica's archived log, read as one text: its attempts one after another, each starting with
 * the runtime's marker line. Earlier attempts never change once a later one exists (the job
 * controller archives an attempt completely before it relaunches the replica), so a byte offset
 * into this text stays valid while the log grows.
 */
public final class ReplicaLog {
  private static final Duration POLL = Duration.ofMillis(100);
  private static final int BLOCK = 8192;

  private final LogArchive archive;
  private final String project;
  private final String jobUid;
  private final String replica;
  private final Map<Path, LogTimes> times = new HashMap<>();
  private List<Segment> copied = List.of();

  ReplicaLog(LogArchive archive, String project, String jobUid, String replica) {
    this.archive = archive;
    this.project = project;
    this.jobUid = jobUid;
    this.replica = replica;
  }

  /** Why {@link #copy} returned. */
  public enum Ending {
    /** The whole log was copied, or, when following, the replica ended and its log is drained. */
    FINISHED,
    /** {@code allowed} said the reader may no longer read the log; nothing more was copied. */
    REVOKED
  }

  /**
   * Copies the log to {@code out}: the last {@code tail} lines (all when negative, none when 0),
   * then, when {@code following}, new output as it arrives until {@code following} says the replica
   * ended and its log is archived. {@code refresh} is run before each read (it archives what the
   * runtime has that the archive lacks). {@code allowed} is asked before each copy, so at least
   * every 100 ms; once it answers false nothing more of the log is copied, and {@code revokedLine}
   * ends the output on a line of its own. {@code lines} filters and stamps lines by the time they
   * reached the archive; {@code tail} counts lines before that filter.
   */
  public Ending copy(
      int tail,
      LogLines lines,
      BooleanSupplier following,
      BooleanSupplier allowed,
      Runnable refresh,
      String revokedLine,
      OutputStream out)
      throws IOException {
    refresh.run();
    long position = tail < 0 ? 0 : tailOffset(segments(), tail);
    long start = position;
    LogLines.Filter filter = lines.raw() ? null : lines.filter(out, position, this::millisAt);
    OutputStream sink = filter == null ? out : filter;
    while (true) {
      if (!allowed.getAsBoolean()) {
        finish(filter);
        String separator = position == start || endsLine(position) ? "" : "\n";
        out.write((separator + revokedLine + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return Ending.REVOKED;
      }
      boolean done = !following.getAsBoolean();
      refresh.run();
      position = copyFrom(position, sink);
      sink.flush();
      if (done || !sleep()) {
        finish(filter);
        return Ending.FINISHED;
      }
    }
  }

  private static void finish(LogLines.Filter filter) throws IOException {
    if (filter != null) {
      filter.finish();
    }
  }

  /**
   * The archive time of the byte at {@code position} of the whole text (decision 85), from the
   * segments the last copy saw; a segment's index is read again when it may have grown.
   */
  private long millisAt(long position) {
    for (Segment segment : copied) {
      if (position < segment.end()) {
        long local = position - segment.start();
        LogTimes known = times.get(segment.file());
        if (known == null || !known.covers(local)) {
          known = LogTimes.read(segment.file());
          times.put(segment.file(), known);
        }
        return known.millisAt(local);
      }
    }
    return System.currentTimeMillis();
  }

  /** One archived file with its place in the whole text. */
  private record Segment(Path file, long start, long size) {
    long end() {
      return start + size;
    }
  }

  private List<Segment> segments() {
    List<Segment> segments = new ArrayList<>();
    long start = 0;
    for (Path file : archive.segments(project, jobUid, replica)) {
      long size = LogArchive.size(file);
      segments.add(new Segment(file, start, size));
      start += size;
    }
    return segments;
  }

  private long copyFrom(long position, OutputStream out) throws IOException {
    long at = position;
    copied = segments();
    for (Segment segment : copied) {
      if (segment.end() > at) {
        long from = Math.max(0, at - segment.start());
        LogArchive.copy(segment.file(), from, segment.size() - from, out);
        at = segment.end();
      }
    }
    return at;
  }

  /** Offset where the last {@code lines} lines start: the end for none. */
  private static long tailOffset(List<Segment> segments, int lines) throws IOException {
    long total = segments.isEmpty() ? 0 : segments.get(segments.size() - 1).end();
    if (lines == 0) {
      return total;
    }
    int seen = 0;
    byte[] block = new byte[BLOCK];
    for (int i = segments.size() - 1; i >= 0; i--) {
      Segment segment = segments.get(i);
      try (FileChannel channel = FileChannel.open(segment.file(), StandardOpenOption.READ)) {
        long local = segment.size();
        while (local > 0) {
          int n = (int) Math.min(BLOCK, local);
          read(channel, local - n, block, n);
          for (int j = n - 1; j >= 0; j--) {
            long at = segment.start() + local - n + j;
            if (block[j] == '\n' && at != total - 1 && ++seen == lines) {
              return at + 1;
            }
          }
          local -= n;
        }
      } catch (NoSuchFileException e) {
        return 0; // Deleted with its job while being read.
      }
    }
    return 0;
  }

  /** Whether the byte before {@code position} is a newline. */
  private boolean endsLine(long position) throws IOException {
    for (Segment segment : segments()) {
      if (position - 1 >= segment.start() && position - 1 < segment.end()) {
        try (FileChannel channel = FileChannel.open(segment.file(), StandardOpenOption.READ)) {
          byte[] one = new byte[1];
          read(channel, position - 1 - segment.start(), one, 1);
          return one[0] == '\n';
        }
      }
    }
    return true;
  }

  private static void read(FileChannel channel, long at, byte[] into, int length)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(into, 0, length);
    long position = at;
    while (buffer.hasRemaining()) {
      int read = channel.read(buffer, position);
      if (read < 0) {
        break;
      }
      position += read;
    }
  }

  /** Waits one poll; false when the thread was interrupted (the request is being torn down). */
  private static boolean sleep() {
    try {
      Thread.sleep(POLL.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
