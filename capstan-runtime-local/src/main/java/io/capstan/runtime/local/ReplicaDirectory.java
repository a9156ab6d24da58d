package io.capstan.runtime.local;

import static java.util.Objects.requireNonNull;

import io.capstan.runtime.ReplicaId;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * One replica's state directory, {@code <stateDir>/replicas/<jobUid>.<replica>/}: the launch
 * record, the supervisor's pid and start time, its cgroups, the exit code the supervisor writes,
 * its readiness probe, the files of its launch and its output ({@link #LOG}).
 */
record ReplicaDirectory(ReplicaId id, Path path) {
  static final String LAUNCH = "launch.properties";
  static final String PID = "pid";
  static final String PID_START_TIME = "pid.starttime";
  static final String CHILD_PID = "child.pid";
  static final String CGROUPS = "cgroups";
  static final String EXIT_CODE = "exit_code";
  static final String FAILURE = "failure";
  static final String TERMINATE_DEADLINE = "terminate.deadline";
  static final String KILLED = "killed";
  static final String READINESS = "readiness.properties";
  static final String FILES = "files";

  /** The empty folder a replica starts in when its working directory is nowhere else. */
  static final String WORKING_DIR = "working-dir";

  /** The current attempt's output, stdout and stderr together, read by {@link LocalLogSource}. */
  static final String LOG = "output.log";

  ReplicaDirectory {
    requireNonNull(id, "id is null");
    requireNonNull(path, "path is null");
  }

  static ReplicaDirectory of(Path replicasDir, ReplicaId id) {
    return new ReplicaDirectory(id, replicasDir.resolve(id.key()));
  }

  /** Every replica directory under {@code replicasDir}, in key order. */
  static List<ReplicaDirectory> list(Path replicasDir) {
    if (!Files.isDirectory(replicasDir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(replicasDir)) {
      return entries
          .filter(Files::isDirectory)
          .map(ReplicaDirectory::fromPath)
          .flatMap(Optional::stream)
          .sorted(Comparator.comparing(d -> d.id().key()))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + replicasDir, e);
    }
  }

  private static Optional<ReplicaDirectory> fromPath(Path path) {
    String key = path.getFileName().toString();
    int dot = key.indexOf('.');
    if (dot <= 0 || key.endsWith(".tmp")) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new ReplicaDirectory(new ReplicaId(key.substring(0, dot), key.substring(dot + 1)), path));
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // not a directory this runtime made
    }
  }

  /** The launch record, or empty when the directory was left half-written. */
  Optional<LaunchRecord> launchRecord() {
    return readProperties(LAUNCH).map(LaunchRecord::fromProperties);
  }

  void writeLaunchRecord(LaunchRecord record) {
    Properties properties = record.toProperties();
    writeAtomically(
        LAUNCH, false, writer -> properties.store(writer, "capstan replica " + id.key()));
  }

  /** The readiness probe, or empty when the replica has none. */
  Optional<ReadinessRecord> readinessRecord() {
    return readProperties(READINESS).map(ReadinessRecord::fromProperties);
  }

  /** Writes the readiness probe readable by its owner only: its headers may be secrets. */
  void writeReadinessRecord(ReadinessRecord record) {
    Properties properties = record.toProperties();
    writeAtomically(
        READINESS, true, writer -> properties.store(writer, "capstan replica " + id.key()));
  }

  private Optional<Properties> readProperties(String name) {
    Path file = path.resolve(name);
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
    return Optional.of(properties);
  }

  Optional<Long> readLong(String name) {
    return readString(name).map(String::trim).filter(s -> s.matches("-?\\d+")).map(Long::valueOf);
  }

  Optional<String> readString(String name) {
    Path file = path.resolve(name);
    try {
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  Optional<Instant> modifiedAt(String name) {
    try {
      return Optional.of(Files.getLastModifiedTime(path.resolve(name)).toInstant());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the time of " + path.resolve(name), e);
    }
  }

  boolean has(String name) {
    return Files.exists(path.resolve(name));
  }

  void writeString(String name, String content) {
    writeAtomically(name, false, writer -> writer.write(content));
  }

  List<Path> cgroups() {
    return readString(CGROUPS)
        .map(s -> s.lines().filter(line -> !line.isBlank()).map(Path::of).toList())
        .orElse(List.of());
  }

  /** Deletes the directory and everything in it. */
  void delete() {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path entry : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(entry);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + path, e);
    }
  }

  private void writeAtomically(String name, boolean ownerOnly, WriterAction action) {
    Path target = path.resolve(name);
    try {
      Files.createDirectories(path);
      Path temporary = path.resolve(name + ".tmp");
      if (ownerOnly) {
        Files.deleteIfExists(temporary);
        Files.createFile(
            temporary,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
        action.write(writer);
      }
      Files.move(
          temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + target, e);
    }
  }

  private interface WriterAction {
    void write(Writer writer) throws IOException;
  }
}
