package io.capstan.server.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Paths and processes shared by the end-to-end tests: the repository, a data dir, replicas. */
final class ServerFixture {
  private ServerFixture() {}

  /** The repository root (tests run in the module directory). */
  static Path repository() {
    return Path.of("..").toAbsolutePath().normalize();
  }

  static Path newDataDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String adminToken(Path dataDir) {
    try {
      return Files.readString(dataDir.resolve("admin.token")).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The pid of the training process of a replica (not its supervisor), found by the environment
   * Capstan gave it, as an operator would with {@code ps e}.
   */
  static long replicaProcess(String jobUid, String replica, String commandPart) {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs
          .filter(p -> p.getFileName().toString().matches("\\d+"))
          .filter(p -> contains(p.resolve("cmdline"), commandPart))
          .filter(p -> !isShell(p.resolve("cmdline")))
          .filter(p -> contains(p.resolve("environ"), "CAPSTAN_JOB_UID=" + jobUid + "\0"))
          .filter(p -> contains(p.resolve("environ"), "CAPSTAN_REPLICA=" + replica + "\0"))
          .mapToLong(p -> Long.parseLong(p.getFileName().toString()))
          .findFirst()
          .orElse(-1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The supervisor is {@code /bin/sh supervisor.sh ...}; the training process is not a shell. */
  private static boolean isShell(Path cmdline) {
    return contains(cmdline, "supervisor.sh\0");
  }

  private static boolean contains(Path file, String text) {
    try {
      return new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.UTF_8)
          .contains(text);
    } catch (IOException e) {
      return false; // the process exited or is not ours to read
    }
  }

  static void kill9(long pid) {
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
  }
}
