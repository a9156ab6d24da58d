package io.capstan.server.logs;

import io.capstan.runtime.LogChunk;
import io.capstan.runtime.LogSource;
import io.capstan.runtime.ReplicaId;
import io.capstan.server.artifact.ArtifactStore;
import io.capstan.server.datadir.FileTrees;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's durable copy of every replica's log: {@code
 * <data>/job-logs/<job-uid>/<replica>/<attempt>.log}, one file per attempt, each an exact copy of
 * the runtime's log of that attempt ({@link LogSource}), so a file's size is the offset to read on
 * from after a restart. Kept until the job's TTL expires or it is deleted; the runtime's own copy
 * goes with the replica. Beside each attempt's file, {@code <attempt>.times} records when each
 * chunk of it was archived ({@link LogTimes}), so lines can be shown and filtered by time.
 *
 * <p>With a durable store (the S3 artifact store, cluster mode: decision 122), each attempt is
 * uploaded there once it is complete ({@link DurableLogs}) and downloaded back when a replica's log
 * is read and this disk lacks it, so logs outlive the control plane's pod; a running attempt's log
 * is on this disk and in the runtime until it completes.
 *
 * <p>Jobs of versions before the archive have a single file per replica under {@code
 * <data>/logs/<project>/<job-uid>/<replica>.log}, which the runtime wrote there itself; it is read
 * when a replica has no archived attempt, and deleted with the job.
 */
public final class LogArchive {
  private static final Logger log = LoggerFactory.getLogger(LogArchive.class);
  private static final int CHUNK = 1 << 20;
  private static final long MAX_PER_SHIP = 16L << 20;
  private static final Pattern ATTEMPT_FILE = Pattern.compile("(\\d+)\\.log");

  private final Path root;
  private final Path legacyRoot;
  private final Map<String, Object> locks = new ConcurrentHashMap<>();
  private final Clock clock;
  private final ArchivedBytes listener;
  private final DurableLogs durable;
  private final Set<Pending> pending = ConcurrentHashMap.newKeySet();

  /**
   * A complete attempt whose upload to the durable store failed, tried again by {@link
   * #keepPending}.
   */
  private record Pending(ReplicaId id, int attempt) {}

  /**
   * @param clock stamps each archived chunk (decision 85: {@code N.times} beside {@code N.log})
   */
  public LogArchive(Path dataDir, Clock clock) {
    this(dataDir, clock, ArchivedBytes.NONE);
  }

  /**
   * @param clock stamps each archived chunk (decision 85: {@code N.times} beside {@code N.log})
   * @param listener told of every chunk once it is archived (the training metrics read it)
   */
  public LogArchive(Path dataDir, Clock clock, ArchivedBytes listener) {
    this(dataDir, clock, listener, null);
  }

  /**
   * @param clock stamps each archived chunk (decision 85: {@code N.times} beside {@code N.log})
   * @param listener told of every chunk once it is archived (the training metrics read it)
   * @param durableStore where complete attempts are kept beyond this disk (decision 122), or null
   *     to keep them on this disk only (the local artifact store)
   */
  public LogArchive(Path dataDir, Clock clock, ArchivedBytes listener, ArtifactStore durableStore) {
    this.root = dataDir.resolve("job-logs");
    this.legacyRoot = dataDir.resolve("logs");
    this.clock = clock;
    this.listener = listener;
    this.durable = durableStore == null ? null : new DurableLogs(durableStore);
  }

  /** What one {@link #ship} did: how many bytes it archived, and whether the attempt is done. */
  public record Shipped(long bytes, boolean complete) {}

  /**
   * Copies what the runtime has of attempt {@code attempt} of replica {@code id} that the archive
   * lacks, at most 16 MiB per call so one chatty replica cannot hold the caller. The attempt is
   * complete when it had ended and everything it wrote is here, or when the runtime no longer has
   * it (nothing more can come).
   */
  public Shipped ship(ReplicaId id, int attempt, LogSource source) {
    Shipped shipped = shipLocally(id, attempt, source);
    if (shipped.complete()) {
      keep(new Pending(id, attempt));
    }
    return shipped;
  }

  /**
   * Uploads again the complete attempts whose upload to the durable store failed (the log shipper
   * calls it every pass).
   */
  void keepPending() {
    for (Pending attempt : List.copyOf(pending)) {
      pending.remove(attempt);
      keep(attempt);
    }
  }

  private void keep(Pending attempt) {
    if (durable == null) {
      return;
    }
    ReplicaId id = attempt.id();
    try {
      synchronized (locks.computeIfAbsent(id.key(), key -> new Object())) {
        durable.keep(
            id.jobUid(),
            id.replica(),
            attempt.attempt(),
            attemptFile(id.jobUid(), id.replica(), attempt.attempt()));
      }
    } catch (RuntimeException e) {
      // The store is down or refused: the attempt is on this disk, and tried again next pass.
      log.warn(
          "Cannot keep the log of {} attempt {} in the store yet", id.key(), attempt.attempt(), e);
      pending.add(attempt);
    }
  }

  private Shipped shipLocally(ReplicaId id, int attempt, LogSource source) {
    synchronized (locks.computeIfAbsent(id.key(), key -> new Object())) {
      Path file = attemptFile(id.jobUid(), id.replica(), attempt);
      long offset = size(file);
      long shipped = 0;
      while (shipped < MAX_PER_SHIP) {
        Optional<LogChunk> read = source.read(id, attempt, offset, CHUNK);
        if (read.isEmpty()) {
          return new Shipped(shipped, true);
        }
        byte[] bytes = read.get().bytes();
        if (bytes.length > 0) {
          append(file, bytes);
          offset += bytes.length;
          shipped += bytes.length;
          LogTimes.append(file, offset, clock.millis());
          listener.archived(id, attempt, bytes);
        }
        if (read.get().complete() || bytes.length == 0) {
          return new Shipped(shipped, read.get().complete());
        }
      }
      return new Shipped(shipped, false);
    }
  }

  /** The log of one replica, every attempt in order, as the archive holds it now. */
  public ReplicaLog replica(String project, String jobUid, String replica) {
    if (durable != null) {
      synchronized (locks.computeIfAbsent(jobUid + "." + replica, key -> new Object())) {
        durable.restore(jobUid, replica, root.resolve(jobUid).resolve(replica));
      }
    }
    return new ReplicaLog(this, project, jobUid, replica);
  }

  /** Deletes everything kept of a job's logs, the files of earlier versions included. */
  public void deleteJob(String project, String jobUid) {
    if (durable != null) {
      durable.delete(jobUid);
      pending.removeIf(attempt -> attempt.id().jobUid().equals(jobUid));
    }
    FileTrees.deleteRecursively(root.resolve(jobUid));
    FileTrees.deleteRecursively(legacyRoot.resolve(project).resolve(jobUid));
    locks.keySet().removeIf(key -> key.startsWith(jobUid + "."));
  }

  /** The files of a replica's log in order: its archived attempts, else the legacy file. */
  List<Path> segments(String project, String jobUid, String replica) {
    Path dir = root.resolve(jobUid).resolve(replica);
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.list(dir)) {
        List<Path> attempts =
            files
                .filter(file -> attemptOf(file) > 0)
                .sorted(Comparator.comparingInt(LogArchive::attemptOf))
                .toList();
        if (!attempts.isEmpty()) {
          return attempts;
        }
      } catch (NoSuchFileException e) {
        return List.of();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot list " + dir, e);
      }
    }
    Path legacy = legacyRoot.resolve(project).resolve(jobUid).resolve(replica + ".log");
    return Files.isRegularFile(legacy) ? List.of(legacy) : List.of();
  }

  private Path attemptFile(String jobUid, String replica, int attempt) {
    return root.resolve(jobUid).resolve(replica).resolve(attempt + ".log");
  }

  private static int attemptOf(Path file) {
    Matcher matcher = ATTEMPT_FILE.matcher(file.getFileName().toString());
    return matcher.matches() ? Integer.parseInt(matcher.group(1)) : 0;
  }

  static long size(Path file) {
    try {
      return Files.size(file);
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the size of " + file, e);
    }
  }

  private static void append(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.getParent());
      try (FileChannel channel =
          FileChannel.open(
              file,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.APPEND)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot append to the log archive " + file, e);
    }
  }

  /** Copies {@code length} bytes of {@code file} from {@code position} to {@code out}. */
  static void copy(Path file, long position, long length, OutputStream out) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(64 * 1024, Math.max(1, length)));
      long at = position;
      long end = position + length;
      while (at < end) {
        buffer.clear().limit((int) Math.min(buffer.capacity(), end - at));
        int read = channel.read(buffer, at);
        if (read < 0) {
          return;
        }
        out.write(buffer.array(), 0, read);
        at += read;
      }
    }
  }
}
