package io.capstan.server.logs;

import io.capstan.server.datadir.FileTrees;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Durable replica logs under {@code <data>/logs/<project>/<job-uid>/<replica>.log}. Replicas append
 * to their file directly, so output survives a control-plane crash; files stay until the job's TTL
 * expires or it is deleted.
 */
public final class LogStore {
  private static final Duration POLL = Duration.ofMillis(100);

  private final Path root;

  public LogStore(Path dataDir) {
    this.root = dataDir.resolve("logs");
  }

  public Path file(String project, String jobUid, String replica) {
    return root.resolve(project).resolve(jobUid).resolve(replica + ".log");
  }

  /** Why {@link #copy} returned. */
  public enum Ending {
    /** The whole log was copied, or, when following, the replica ended and the file is drained. */
    FINISHED,
    /** {@code allowed} said the reader may no longer read the log; nothing more was copied. */
    REVOKED
  }

  /**
   * Copies a replica's log to {@code out}: the last {@code tail} lines (all when negative, none
   * when 0), then, when {@code following}, new output as it is written until {@code following} says
   * the replica ended and the file is drained. {@code allowed} is asked before each copy, so at
   * least every {@link #POLL}; once it answers false nothing more of the log is copied, and {@code
   * revokedLine} ends the output on a line of its own.
   */
  public Ending copy(
      Path file,
      int tail,
      BooleanSupplier following,
      BooleanSupplier allowed,
      String revokedLine,
      OutputStream out)
      throws IOException {
    long position = tail < 0 ? 0 : tailOffset(file, tail);
    long start = position;
    while (true) {
      if (!allowed.getAsBoolean()) {
        String separator = position == start || endsLine(file, position) ? "" : "\n";
        out.write((separator + revokedLine + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return Ending.REVOKED;
      }
      boolean done = !following.getAsBoolean();
      position = copyFrom(file, position, out);
      out.flush();
      if (done || !sleep()) {
        return Ending.FINISHED;
      }
    }
  }

  public void deleteJob(String project, String jobUid) {
    FileTrees.deleteRecursively(root.resolve(project).resolve(jobUid));
  }

  private static long copyFrom(Path file, long position, OutputStream out) throws IOException {
    if (!Files.exists(file)) {
      return position;
    }
    try (InputStream in = Files.newInputStream(file)) {
      in.skipNBytes(Math.min(position, Files.size(file)));
      return position + in.transferTo(out);
    }
  }

  /** Byte offset where the last {@code lines} lines start: the end of the file for none. */
  private static long tailOffset(Path file, int lines) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long pos = raf.length();
      if (lines == 0) {
        return pos;
      }
      int seen = 0;
      if (pos > 0) {
        raf.seek(pos - 1);
        if (raf.read() == '\n') {
          pos--;
        }
      }
      while (pos > 0) {
        raf.seek(pos - 1);
        if (raf.read() == '\n' && ++seen == lines) {
          return pos;
        }
        pos--;
      }
      return 0;
    }
  }

  /** Whether the byte before {@code position} is a newline. */
  private static boolean endsLine(Path file, long position) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      raf.seek(position - 1);
      return raf.read() == '\n';
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
