package io.capstan.runtime.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The fields of {@code /proc/<pid>/stat} the runtime needs: state, process group and start time.
 *
 * @param pid the process id
 * @param state one letter: R, S, D, Z (zombie), T, X (dead) ...
 * @param pgid the process group id
 * @param startTime start time in clock ticks after boot (field 22); a reused pid has another one
 */
record ProcStat(long pid, char state, long pgid, long startTime) {
  /** The process's stat, or empty when there is no such process. */
  static Optional<ProcStat> read(long pid) {
    Path file = Path.of("/proc", Long.toString(pid), "stat");
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      // A process that exits while its stat is read makes the read fail with ESRCH.
      if (!Files.exists(file.getParent())) {
        return Optional.empty();
      }
      throw new IllegalStateException("Cannot read " + file, e);
    }
    // The command name (field 2) is in parentheses and may itself contain spaces and parentheses.
    String[] fields = text.substring(text.lastIndexOf(')') + 2).trim().split(" ");
    if (fields.length < 20) {
      throw new IllegalStateException(
          "Expected at least 22 fields in " + file + ", but found: " + text);
    }
    return Optional.of(
        new ProcStat(
            pid, fields[0].charAt(0), Long.parseLong(fields[2]), Long.parseLong(fields[19])));
  }

  /** Whether the process runs and is the one that started at {@code expectedStartTime}. */
  static boolean isRunning(long pid, long expectedStartTime) {
    return pid > 0
        && read(pid).filter(s -> s.startTime == expectedStartTime && s.isLive()).isPresent();
  }

  /** Neither a zombie nor dead. */
  boolean isLive() {
    return state != 'Z' && state != 'X' && state != 'x';
  }
}
