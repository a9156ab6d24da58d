package io.capstan.runtime.testing;

import io.capstan.runtime.ArtifactReader;
import io.capstan.runtime.Endpoint;
import io.capstan.runtime.EnvExpansion;
import io.capstan.runtime.FileSpec;
import io.capstan.runtime.Mount;
import io.capstan.runtime.MountSource;
import io.capstan.runtime.PortSpec;
import io.capstan.runtime.ReadinessSpec;
import io.capstan.runtime.ReplicaLaunch;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.runtime.ReplicaPhase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One replica of an {@link InMemoryRuntime}: its launch, phase, readiness and log, and its view of
 * its job's volumes and artifacts through its mounts.
 */
final class InMemoryReplica {
  final ReplicaLaunch launch;
  private final InMemoryVolumes volumes;
  private final ArtifactReader artifacts;
  final Map<String, String> env;
  final List<String> command;
  final ByteArrayOutputStream log;
  ReplicaPhase phase;
  Integer exitCode;
  Instant startedAt;
  Instant finishedAt;
  String message;

  /** The program's exit code, applied at the observation after one that showed it running. */
  Integer programExit;

  boolean seenRunning;
  Boolean readyOverride;
  Integer terminationExit = 143;

  /** {@code port path authorization} of each {@code serve-http} step. */
  final Set<String> served = new HashSet<>();

  /** A replica of {@code launch} whose log starts with the attempt's marker, as every runtime's. */
  InMemoryReplica(
      ReplicaLaunch launch, Instant launchedAt, InMemoryVolumes volumes, ArtifactReader artifacts) {
    this.launch = launch;
    this.log = new ByteArrayOutputStream();
    this.volumes = volumes;
    this.artifacts = artifacts;
    print(
        "--- capstan: "
            + launch.id().replica()
            + " attempt "
            + launch.attempt()
            + " started at "
            + launchedAt
            + " ---");
    Map<String, String> withPorts = new LinkedHashMap<>(launch.env());
    for (PortSpec port : launch.ports()) {
      withPorts.put(port.envName(), Integer.toString(port.containerPort()));
    }
    this.env = Map.copyOf(withPorts);
    // No images here: a launch without a command runs its args as the command.
    this.command = EnvExpansion.expand(launch.commandLine(), withPorts);
  }

  /** Runs the program's steps, if the command is a program, as the replica starts. */
  void runProgram() {
    if (command.isEmpty() || !command.get(0).equals(InMemoryProgram.NAME)) {
      return;
    }
    for (int i = 1; i < command.size(); i++) {
      String step = command.get(i);
      switch (step) {
        case InMemoryProgram.PRINT -> print(argument(++i));
        case InMemoryProgram.PRINT_ENV -> print(env.getOrDefault(argument(++i), ""));
        case InMemoryProgram.PRINT_FILE -> printFile(argument(++i));
        case InMemoryProgram.WRITE_FILE -> {
          writeFile(argument(i + 1), argument(i + 2));
          i += 2;
        }
        case InMemoryProgram.SERVE_HTTP -> {
          served.add(argument(i + 1) + " " + argument(i + 2) + " " + argument(i + 3));
          i += 3;
        }
        case InMemoryProgram.EXIT -> programExit = Integer.valueOf(argument(++i));
        case InMemoryProgram.RUN -> programExit = null;
        default ->
            throw new IllegalArgumentException(
                "Expected an in-memory program step (print, print-env, print-file, write-file,"
                    + " serve-http, exit, run), but found '"
                    + step
                    + "' in "
                    + command);
      }
    }
  }

  private String argument(int index) {
    if (index >= command.size()) {
      throw new IllegalArgumentException(
          "Expected an argument after '" + command.get(index - 1) + "' in " + command);
    }
    return command.get(index);
  }

  private void printFile(String containerPath) {
    FileSpec file =
        launch.files().stream()
            .filter(f -> f.containerPath().equals(containerPath))
            .findFirst()
            .orElse(null);
    Optional<byte[]> content =
        file != null
            ? Optional.of(file.content().getBytes(StandardCharsets.UTF_8))
            : mounted(containerPath);
    if (content.isEmpty()) {
      print("cat: " + containerPath + ": No such file or directory");
      programExit = 1;
      return;
    }
    log.writeBytes(content.get());
  }

  /** What a file under a volume or artifact mount holds, read as the replica would see it. */
  private Optional<byte[]> mounted(String containerPath) {
    Optional<Mount> mount = mountOf(containerPath);
    if (mount.isEmpty()) {
      return Optional.empty();
    }
    String relative = containerPath.substring(mount.get().containerPath().length());
    if (mount.get().source() instanceof MountSource.JobVolume volume && !relative.isEmpty()) {
      return volumes.read(launch.id().jobUid(), volume.name(), relative.substring(1));
    }
    if (mount.get().source() instanceof MountSource.Artifact artifact && relative.isEmpty()) {
      try (InputStream in = artifacts.open(artifact.key())) {
        return Optional.of(in.readAllBytes());
      } catch (NoSuchElementException e) {
        return Optional.empty();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return Optional.empty();
  }

  private void writeFile(String containerPath, String content) {
    Optional<Mount> mount = mountOf(containerPath);
    if (mount.isPresent()
        && !mount.get().readOnly()
        && mount.get().source() instanceof MountSource.JobVolume volume
        && containerPath.length() > mount.get().containerPath().length()) {
      String relative = containerPath.substring(mount.get().containerPath().length() + 1);
      volumes.put(
          launch.id().jobUid(), volume.name(), relative, content.getBytes(StandardCharsets.UTF_8));
      return;
    }
    print("sh: " + containerPath + ": Read-only file system");
    programExit = 1;
  }

  /** The mount whose container path is {@code containerPath} or a folder above it. */
  private Optional<Mount> mountOf(String containerPath) {
    return launch.mounts().stream()
        .filter(
            m ->
                containerPath.equals(m.containerPath())
                    || containerPath.startsWith(m.containerPath() + "/"))
        .max(java.util.Comparator.comparingInt(m -> m.containerPath().length()));
  }

  void print(String line) {
    log.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
  }

  void finish(int code, String why, Instant now) {
    phase = code == 0 ? ReplicaPhase.SUCCEEDED : ReplicaPhase.FAILED;
    exitCode = code;
    finishedAt = now;
    message = code == 0 ? null : why != null ? why : describeExit(code);
    programExit = null;
  }

  /** What an observation shows now; a program's exit comes at the one after it was seen running. */
  ReplicaObservation observe(Instant now) {
    if (phase == ReplicaPhase.RUNNING && seenRunning && programExit != null) {
      finish(programExit, null, now);
    }
    if (phase == ReplicaPhase.RUNNING) {
      seenRunning = true;
    }
    Map<String, Endpoint> endpoints = new TreeMap<>();
    for (PortSpec port : launch.ports()) {
      endpoints.put(
          port.name(), new Endpoint(InMemoryRuntime.host(launch.id()), port.containerPort()));
    }
    return new ReplicaObservation(
        launch.id(),
        launch.attempt(),
        phase,
        exitCode,
        startedAt,
        finishedAt,
        message,
        endpoints,
        phase == ReplicaPhase.RUNNING && ready());
  }

  private boolean ready() {
    if (readyOverride != null) {
      return readyOverride;
    }
    ReadinessSpec probe = launch.readiness();
    if (probe == null) {
      return true;
    }
    int port = launch.port(probe.port()).orElseThrow().containerPort();
    String sent = probe.headers().getOrDefault("Authorization", "");
    return served.contains(port + " " + probe.path() + " " + sent)
        || served.contains(port + " " + probe.path() + " ");
  }

  static String describeExit(int code) {
    return switch (code) {
      case 137 -> "killed by signal 9 (SIGKILL)";
      case 143 -> "killed by signal 15 (SIGTERM)";
      default -> code > 128 ? "killed by signal " + (code - 128) : "exited with code " + code;
    };
  }
}
