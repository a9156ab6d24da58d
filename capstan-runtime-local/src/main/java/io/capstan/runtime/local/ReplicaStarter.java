package io.capstan.runtime.local;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.runtime.ReplicaLaunch;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one replica: its cgroups, its launch record, a marker line in its log, and the supervisor
 * process in a new session, whose pid and start time it records.
 */
final class ReplicaStarter {
  private static final Logger log = LoggerFactory.getLogger(ReplicaStarter.class);
  private static final List<String> HOST_VARIABLES =
      List.of("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "USER", "LOGNAME", "TMPDIR", "TZ");
  private static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(10);

  private final Supervisor supervisor;
  private final Cgroups cgroups;
  private final Map<String, String> hostEnv;

  ReplicaStarter(Supervisor supervisor, Cgroups cgroups, Map<String, String> hostEnv) {
    this.supervisor = requireNonNull(supervisor, "supervisor is null");
    this.cgroups = requireNonNull(cgroups, "cgroups is null");
    this.hostEnv = Map.copyOf(requireNonNull(hostEnv, "hostEnv is null"));
  }

  void start(ReplicaDirectory dir, ReplicaLaunch launch, ImageEnvironments.Rewritten rewritten) {
    Instant startedAt = Instant.now();
    List<Path> cgroupDirs = List.of();
    try {
      Files.createDirectories(dir.path());
      Files.createDirectories(launch.workDir());
      if (launch.logFile().getParent() != null) {
        Files.createDirectories(launch.logFile().getParent());
      }
      if (cgroups.inUse()) {
        cgroupDirs = cgroups.create(launch.id(), launch.resources());
        dir.writeString(
            ReplicaDirectory.CGROUPS,
            cgroupDirs.stream().map(Path::toString).collect(Collectors.joining("\n", "", "\n")));
      }
      dir.writeLaunchRecord(
          new LaunchRecord(launch.attempt(), launch.image(), startedAt, launch.logFile()));
      appendMarker(launch, startedAt);
      Process process = processBuilder(dir, launch, rewritten).start();
      long pid = process.pid();
      long startTime = ProcStat.read(pid).map(ProcStat::startTime).orElse(-1L);
      dir.writeString(ReplicaDirectory.PID_START_TIME, startTime + "\n");
      dir.writeString(ReplicaDirectory.PID, pid + "\n");
      awaitCommandStarted(dir, process);
      // The JDK reaps its children; this only reports the supervisor's end.
      process
          .onExit()
          .thenAccept(
              exited ->
                  log.debug(
                      "Supervisor {} of {} exited with {}",
                      pid,
                      launch.id().key(),
                      exited.exitValue()));
      log.info(
          "Started {} attempt {} as process group {}: {}",
          launch.id().key(),
          launch.attempt(),
          pid,
          rewritten.command());
    } catch (IOException | UncheckedIOException e) {
      Cgroups.remove(cgroupDirs);
      dir.delete();
      throw new CapstanException(
          ErrorCode.INTERNAL,
          null,
          "Expected to start replica " + launch.id().key() + ", but could not: " + e.getMessage(),
          e);
    }
  }

  /**
   * Waits until the supervisor has started the command (or already recorded its exit), so that a
   * signal sent right after launch finds its trap in place and the command's pid on disk.
   */
  private static void awaitCommandStarted(ReplicaDirectory dir, Process supervisor) {
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    while (!dir.has(ReplicaDirectory.CHILD_PID) && !dir.has(ReplicaDirectory.EXIT_CODE)) {
      if (!supervisor.isAlive()) {
        return; // observe() reports what happened
      }
      if (System.nanoTime() > deadline) {
        log.warn(
            "The supervisor of {} has not started its command within {}",
            dir.id().key(),
            STARTUP_TIMEOUT);
        return;
      }
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while starting " + dir.id().key(), e);
      }
    }
  }

  private ProcessBuilder processBuilder(
      ReplicaDirectory dir, ReplicaLaunch launch, ImageEnvironments.Rewritten rewritten) {
    ProcessBuilder builder =
        new ProcessBuilder(supervisor.commandLine(dir.path(), rewritten.command()));
    Map<String, String> env = builder.environment();
    env.clear();
    env.putAll(environment(launch, rewritten));
    builder.directory(launch.workDir().toFile());
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(launch.logFile().toFile()));
    return builder;
  }

  /** A minimal host environment, the image's and the launch's variables, and the GPUs. */
  Map<String, String> environment(ReplicaLaunch launch, ImageEnvironments.Rewritten rewritten) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String name : HOST_VARIABLES) {
      String value = hostEnv.get(name);
      if (value != null) {
        env.put(name, value);
      }
    }
    env.putIfAbsent("PATH", DEFAULT_PATH);
    env.putAll(rewritten.env());
    // An empty list hides every device from CUDA, so a replica without GPUs cannot take one.
    env.put(
        "CUDA_VISIBLE_DEVICES",
        launch.gpuIndices().stream().map(String::valueOf).collect(Collectors.joining(",")));
    return env;
  }

  private static void appendMarker(ReplicaLaunch launch, Instant startedAt) throws IOException {
    String marker =
        "--- capstan: "
            + launch.id().replica()
            + " attempt "
            + launch.attempt()
            + " started at "
            + startedAt
            + " ---\n";
    Files.writeString(
        launch.logFile(),
        marker,
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }
}
