package io.capstan.runtime.local;

import static java.util.Objects.requireNonNull;

import io.capstan.runtime.LogChunk;
import io.capstan.runtime.LogSource;
import io.capstan.runtime.ReplicaId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Reads a replica's output from the log file of its launch record ({@link ReplicaDirectory#LOG}):
 * what the supervisor of the replica's current attempt wrote there.
 */
final class LocalLogSource implements LogSource {
  private final Path replicasDir;

  LocalLogSource(Path replicasDir) {
    this.replicasDir = requireNonNull(replicasDir, "replicasDir is null");
  }

  @Override
  public Optional<LogChunk> read(ReplicaId id, int attempt, long offset, int maxBytes) {
    LogSource.checkRead(id, attempt, offset, maxBytes);
    ReplicaDirectory dir = ReplicaDirectory.of(replicasDir, id);
    Optional<LaunchRecord> record = dir.launchRecord();
    if (record.isEmpty() || record.get().attempt() != attempt) {
      return Optional.empty();
    }
    // Whether it had finished is read first: what it wrote before is all in the file by then.
    boolean finished =
        dir.has(ReplicaDirectory.EXIT_CODE)
            || (dir.has(ReplicaDirectory.PID) && ReplicaStatus.runningPid(dir).isEmpty());
    LogChunk chunk = read(record.get().logFile(), offset, maxBytes, finished);
    // A later attempt writes its launch record before its log: if the record still names this
    // attempt, the file read was this attempt's, not a newer one made in the meantime.
    if (dir.launchRecord().map(LaunchRecord::attempt).orElse(0) != attempt) {
      return Optional.empty();
    }
    return Optional.of(chunk);
  }

  private static LogChunk read(Path file, long offset, int maxBytes, boolean finished) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (offset >= size) {
        return new LogChunk(new byte[0], offset, finished);
      }
      ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(maxBytes, size - offset));
      long position = offset;
      while (buffer.hasRemaining()) {
        int read = channel.read(buffer, position);
        if (read < 0) {
          break;
        }
        position += read;
      }
      byte[] bytes = new byte[buffer.position()];
      buffer.flip().get(bytes);
      return new LogChunk(bytes, position, finished && position >= size);
    } catch (NoSuchFileException e) {
      return new LogChunk(new byte[0], offset, finished);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the log " + file, e);
    }
  }
}
