package io.capstan.runtime.kubernetes;

import static java.util.Objects.requireNonNull;

import io.capstan.runtime.LogChunk;
import io.capstan.runtime.LogSource;
import io.capstan.runtime.ReplicaId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * The runtime's copies of its replicas' logs, on the control plane's disk, so a log outlives its
 * pod: {@code <dir>/<jobUid>/<replica>/<attempt>.log}, which starts with the attempt's marker line,
 * and {@code <attempt>.complete} once everything the container wrote is in it. A replica has the
 * log of its latest attempt only (a new attempt replaces it); a release deletes the job's.
 */
final class LogStore implements LogSource {
  private static final String LOG = ".log";
  private static final String COMPLETE = ".complete";

  private final Path dir;

  LogStore(Path dir) {
    this.dir = requireNonNull(dir, "dir is null");
  }

  /**
   * Starts the log of an attempt with its marker, unless it has one already or the replica has a
   * later attempt's (an older attempt's pod seen late, after the next was launched), and deletes
   * the replica's logs of earlier attempts.
   */
  synchronized void start(ReplicaId id, int attempt, Instant startedAt) {
    Path log = log(id, attempt);
    if (Files.exists(log) || attempt(id).orElse(0) > attempt) {
      return;
    }
    try {
      Path replicaDir = replicaDir(id);
      deleteTree(replicaDir);
      Files.createDirectories(replicaDir);
      String marker =
          "--- capstan: " + id.replica() + " attempt " + attempt + " started at " + startedAt;
      Files.writeString(log, marker + " ---\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the log copy " + log, e);
    }
  }

  /** Whether the attempt's log is there, started and not replaced. */
  boolean has(ReplicaId id, int attempt) {
    return Files.exists(log(id, attempt));
  }

  /** When the attempt's log was last appended to. */
  Instant lastChanged(ReplicaId id, int attempt) {
    try {
      return Files.getLastModifiedTime(log(id, attempt)).toInstant();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the time of the log copy of " + id.key(), e);
    }
  }

  /** Whether the attempt's log holds all the container wrote. */
  boolean isComplete(ReplicaId id, int attempt) {
    return Files.exists(replicaDir(id).resolve(attempt + COMPLETE));
  }

  /** Appends to the attempt's log, if it is still there. */
  synchronized void append(ReplicaId id, int attempt, byte[] bytes) {
    try {
      Files.write(log(id, attempt), bytes, StandardOpenOption.APPEND);
    } catch (NoSuchFileException e) {
      // Released or replaced meanwhile: nobody reads this attempt any more.
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot append to the log copy of " + id.key(), e);
    }
  }

  /** Marks the attempt's log complete, if it is still there. */
  synchronized void complete(ReplicaId id, int attempt) {
    if (has(id, attempt)) {
      try {
        Files.writeString(replicaDir(id).resolve(attempt + COMPLETE), "");
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot mark the log copy of " + id.key() + " complete", e);
      }
    }
  }

  /** The attempt whose log the replica has, if any. */
  OptionalInt attempt(ReplicaId id) {
    try (Stream<Path> files = Files.list(replicaDir(id))) {
      return files
          .map(file -> file.getFileName().toString())
          .filter(name -> name.matches("[0-9]{1,9}\\.log"))
          .mapToInt(name -> Integer.parseInt(name.substring(0, name.length() - LOG.length())))
          .max();
    } catch (NoSuchFileException e) {
      return OptionalInt.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the log copies of " + id.key(), e);
    }
  }

  /** Deletes every log of the job. */
  synchronized void delete(String jobUid) {
    try {
      deleteTree(dir.resolve(jobUid));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete the log copies of job " + jobUid, e);
    }
  }

  @Override
  public Optional<LogChunk> read(ReplicaId id, int attempt, long offset, int maxBytes) {
    LogSource.checkRead(id, attempt, offset, maxBytes);
    // Whether it is complete is read first: what was copied before is all in the file by then.
    boolean complete = isComplete(id, attempt);
    try (FileChannel channel = FileChannel.open(log(id, attempt), StandardOpenOption.READ)) {
      long size = channel.size();
      if (offset >= size) {
        return Optional.of(new LogChunk(new byte[0], offset, complete));
      }
      ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(maxBytes, size - offset));
      long position = offset;
      while (buffer.hasRemaining() && channel.read(buffer, position) > 0) {
        position = offset + buffer.position();
      }
      byte[] bytes = new byte[buffer.position()];
      buffer.flip().get(bytes);
      return Optional.of(new LogChunk(bytes, position, complete && position >= size));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the log copy of " + id.key(), e);
    }
  }

  private Path replicaDir(ReplicaId id) {
    return dir.resolve(id.jobUid()).resolve(id.replica());
  }

  private Path log(ReplicaId id, int attempt) {
    return replicaDir(id).resolve(attempt + LOG);
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
