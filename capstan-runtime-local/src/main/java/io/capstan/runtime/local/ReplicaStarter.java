package io.capstan.runtime.local;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.runtime.FileSpec;
import io.capstan.runtime.MetricFiles;
import io.capstan.runtime.Mount;
import io.capstan.runtime.MountSource;
import io.capstan.runtime.PythonHelper;
import io.capstan.runtime.ReplicaLaunch;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one replica: its cgroups, its launch record, a marker line in its log, and the supervisor
 * process in a new session, whose pid and start time it records. A sandboxed replica's supervisor
 * runs the command in its bubblewrap sandbox, as its tenant's user when the runtime is root.
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
  private final Optional<Bubblewrap> sandbox;
  private final Optional<TenantIds> tenants;
  private final long pidsMax;
  private final Path pythonLibrary;
  private final AtomicInteger torchrunHosts = new AtomicInteger();

  /**
   * @param sandbox the sandbox every replica runs in, or empty to run replicas as this process's
   *     user without isolation
   * @param tenants the uid of each tenant, when the runtime is root and replicas drop to it
   * @param pidsMax the pids limit of each replica's cgroup, 0 for none
   * @param pythonLibrary the folder of the Python modules every replica can import ({@link
   *     PythonLibrary})
   */
  ReplicaStarter(
      Supervisor supervisor,
      Cgroups cgroups,
      Map<String, String> hostEnv,
      Optional<Bubblewrap> sandbox,
      Optional<TenantIds> tenants,
      long pidsMax,
      Path pythonLibrary) {
    this.supervisor = requireNonNull(supervisor, "supervisor is null");
    this.cgroups = requireNonNull(cgroups, "cgroups is null");
    this.hostEnv = Map.copyOf(requireNonNull(hostEnv, "hostEnv is null"));
    this.sandbox = requireNonNull(sandbox, "sandbox is null");
    this.tenants = requireNonNull(tenants, "tenants is null");
    this.pidsMax = pidsMax;
    this.pythonLibrary = requireNonNull(pythonLibrary, "pythonLibrary is null");
  }

  /**
   * Starts a prepared launch (its ports announced, its command expanded, its files among its
   * mounts; see {@link LocalRuntime#launch}).
   *
   * @param hostPorts the host port of each declared port, by name
   */
  /** A replica whose supervisor was started; {@link #awaitStarted} waits for its command. */
  record Started(
      ReplicaDirectory dir, ReplicaLaunch launch, Process supervisor, List<String> command) {}

  Started start(
      ReplicaDirectory dir,
      ReplicaLaunch launch,
      ImageEnvironments.Rewritten rewritten,
      Map<String, Integer> hostPorts,
      List<FileSpec> files) {
    Instant startedAt = Instant.now();
    List<Path> cgroupDirs = List.of();
    try {
      Files.createDirectories(dir.path());
      ReplicaFiles.write(dir, files);
      Files.createDirectories(launch.workDir());
      Files.createDirectories(launch.workDir().resolve(MetricFiles.TENSORBOARD_DIR));
      // A stop asked of an earlier attempt must not stop this one.
      Files.deleteIfExists(launch.workDir().resolve(Supervisor.STOP_FILE));
      if (rewritten.workingDir() != null && rewritten.workingDir().create() != null) {
        Files.createDirectories(rewritten.workingDir().create());
      }
      List<String> command = rewritten.command();
      if (sandbox.isPresent()) {
        command = sandbox.get().commandLine(sandboxOf(dir, launch, rewritten), command);
      }
      if (cgroups.inUse()) {
        cgroupDirs = cgroups.create(launch.id(), launch.resources(), pidsMax);
        dir.writeString(
            ReplicaDirectory.CGROUPS,
            cgroupDirs.stream().map(Path::toString).collect(Collectors.joining("\n", "", "\n")));
      }
      if (launch.readiness() != null) {
        dir.writeReadinessRecord(
            new ReadinessRecord(hostPorts.get(launch.readiness().port()), launch.readiness()));
      }
      dir.writeLaunchRecord(
          new LaunchRecord(
              launch.attempt(),
              launch.image(),
              startedAt,
              dir.path().resolve(ReplicaDirectory.LOG),
              hostPorts,
              launch.readiness() != null));
      appendMarker(dir, launch, rewritten, startedAt);
      Process process = processBuilder(dir, launch, rewritten, command).start();
      long pid = process.pid();
      long startTime = ProcStat.read(pid).map(ProcStat::startTime).orElse(-1L);
      dir.writeString(ReplicaDirectory.PID_START_TIME, startTime + "\n");
      dir.writeString(ReplicaDirectory.PID, pid + "\n");
      return new Started(dir, launch, process, rewritten.command());
    } catch (IOException | UncheckedIOException | IllegalStateException e) {
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
   * Waits until a started replica's supervisor has started its command (or already recorded its
   * exit), so that a signal sent right after launch finds its trap in place and the command's pid
   * on disk.
   */
  void awaitStarted(Started started) {
    Process process = started.supervisor();
    long pid = process.pid();
    awaitCommandStarted(started.dir(), process);
    // The JDK reaps its children; this only reports the supervisor's end.
    process
        .onExit()
        .thenAccept(
            exited ->
                log.debug(
                    "Supervisor {} of {} exited with {}",
                    pid,
                    started.launch().id().key(),
                    exited.exitValue()));
    log.info(
        "Started {} attempt {} as process group {}: {}",
        started.launch().id().key(),
        started.launch().attempt(),
        pid,
        started.command());
  }

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

  /**
   * The sandbox of a replica; as root, its work directory and writable mounts become its tenant's,
   * and it gets a {@code /etc/passwd} that names that uid.
   */
  private Bubblewrap.Sandbox sandboxOf(
      ReplicaDirectory dir, ReplicaLaunch launch, ImageEnvironments.Rewritten rewritten)
      throws IOException {
    List<Mount> mounts = new ArrayList<>(launch.mounts());
    Set<String> taken = new HashSet<>();
    mounts.forEach(mount -> taken.add(mount.containerPath()));
    // The launch's own mounts win over an image folder at the same container path.
    rewritten.mounts().stream()
        .filter(m -> !taken.contains(m.containerPath()))
        .forEach(mounts::add);
    if (!taken.contains(PythonLibrary.CONTAINER_PATH)) {
      mounts.add(Mount.readOnly(pythonLibrary, PythonLibrary.CONTAINER_PATH));
    }
    String chdir =
        rewritten.workingDir() == null ? ReplicaLaunch.WORK_DIR : rewritten.workingDir().chdir();
    if (tenants.isEmpty()) {
      return new Bubblewrap.Sandbox(
          -1,
          launch.workDir(),
          mounts,
          launch.gpuIndices(),
          launch.privateNetwork(),
          Optional.empty(),
          Optional.empty(),
          hostname(rewritten),
          chdir);
    }
    int uid = tenants.get().uid(launch.tenant());
    own(launch.workDir(), uid);
    own(launch.workDir().resolve(MetricFiles.TENSORBOARD_DIR), uid);
    if (rewritten.workingDir() != null && rewritten.workingDir().create() != null) {
      // Made by the runtime (root) in a writable folder of the replica's: the replica's to write.
      own(rewritten.workingDir().create(), uid);
    }
    for (Mount mount : launch.mounts()) {
      if (!mount.readOnly()
          && mount.source() instanceof MountSource.HostPath host
          && tenants.get().mayGive(host.path())) {
        own(host.path(), uid);
      }
      if (mount.source() instanceof MountSource.HostPath host
          && LocalVolumes.isFiles(host.path())) {
        // As fsGroup does on Kubernetes: the files' mode applies to the project's user.
        ownTree(host.path(), uid);
      }
    }
    Path passwd = dir.path().resolve("passwd");
    Path group = dir.path().resolve("group");
    Files.writeString(
        passwd,
        hostFile("/etc/passwd")
            + Bubblewrap.USER
            + ":x:"
            + uid
            + ":"
            + uid
            + ":Capstan project "
            + launch.tenant()
            + ":"
            + ReplicaLaunch.WORK_DIR
            + ":/bin/sh\n");
    Files.writeString(group, hostFile("/etc/group") + Bubblewrap.USER + ":x:" + uid + ":\n");
    return new Bubblewrap.Sandbox(
        uid,
        launch.workDir(),
        mounts,
        launch.gpuIndices(),
        launch.privateNetwork(),
        Optional.of(passwd),
        Optional.of(group),
        hostname(rewritten),
        chdir);
  }

  /**
   * A host name of its own for a replica that starts torchrun: a loopback address no other such
   * replica of this runtime has had recently ({@code 127.1.x.y}). torchrun's rendezvous tells its
   * nodes apart by host name and process id, which every sandbox would share (the host's name, pid
   * 2 in each PID namespace), so two nodes of an elastic job on one machine would take each other
   * for itself; and it hands its rank-0 node's host name to the workers as {@code MASTER_ADDR},
   * which an address reaches from every replica without a name service.
   */
  private Optional<String> hostname(ImageEnvironments.Rewritten rewritten) {
    if (!Torchrun.launches(rewritten.resolved())) {
      return Optional.empty();
    }
    int n = Math.floorMod(torchrunHosts.getAndIncrement(), 256 * 254);
    return Optional.of("127.1." + (n / 254) + "." + (n % 254 + 1));
  }

  /** Gives a directory (not what it holds, and never through a link) to {@code uid}. */
  private static void own(Path path, int uid) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectories(path);
    }
    Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(path, "unix:gid", uid, LinkOption.NOFOLLOW_LINKS);
  }

  /** Gives a folder the runtime wrote and everything in it to {@code uid}. */
  private static void ownTree(Path folder, int uid) throws IOException {
    try (var walk = Files.walk(folder)) {
      for (Path entry : walk.toList()) {
        Files.setAttribute(entry, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(entry, "unix:gid", uid, LinkOption.NOFOLLOW_LINKS);
      }
    }
  }

  private static String hostFile(String name) throws IOException {
    Path file = Path.of(name);
    if (!Files.isReadable(file)) {
      return "";
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    return text.isEmpty() || text.endsWith("\n") ? text : text + "\n";
  }

  private ProcessBuilder processBuilder(
      ReplicaDirectory dir,
      ReplicaLaunch launch,
      ImageEnvironments.Rewritten rewritten,
      List<String> command) {
    ProcessBuilder builder =
        new ProcessBuilder(supervisor.commandLine(dir.path(), sandbox.isPresent(), command));
    Map<String, String> env = builder.environment();
    env.clear();
    env.putAll(environment(launch, rewritten));
    // In a sandbox the supervisor stays in the work folder (its stop file is there) and bubblewrap
    // changes to the working directory; without one, the command starts there.
    builder.directory(
        sandbox.isPresent() || rewritten.workingDir() == null
            ? launch.workDir().toFile()
            : new File(rewritten.workingDir().chdir()));
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.redirectErrorStream(true);
    builder.redirectOutput(
        ProcessBuilder.Redirect.appendTo(dir.path().resolve(ReplicaDirectory.LOG).toFile()));
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
    if (sandbox.isPresent()) {
      // The sandbox has its own /tmp and no access to the server's home.
      env.remove("TMPDIR");
      env.put("HOME", ReplicaLaunch.WORK_DIR);
      if (tenants.isPresent()) {
        env.put("USER", Bubblewrap.USER);
        env.put("LOGNAME", Bubblewrap.USER);
      }
    }
    env.putAll(rewritten.env());
    metricsEnvironment(env, launch.workDir());
    if (rewritten.pathPrefix() != null) {
      env.put("PATH", rewritten.pathPrefix() + ":" + env.getOrDefault("PATH", DEFAULT_PATH));
    }
    // An empty list hides every device from CUDA, so a replica without GPUs cannot take one. In
    // a sandbox on a host with NVIDIA devices, only the assigned GPUs' nodes exist, and CUDA
    // numbers the devices it can open from 0.
    List<Integer> visible = launch.gpuIndices();
    if (sandbox.isPresent() && Bubblewrap.hidesOtherGpus()) {
      visible = IntStream.range(0, visible.size()).boxed().toList();
    }
    env.put(
        "CUDA_VISIBLE_DEVICES",
        visible.stream().map(String::valueOf).collect(Collectors.joining(",")));
    return env;
  }

  /**
   * Names the replica's metric files ({@link LocalMetricFiles}) as it sees them, and puts Capstan's
   * Python modules at the end of its {@code PYTHONPATH} (decision 111).
   */
  private void metricsEnvironment(Map<String, String> env, Path workDir) {
    boolean sandboxed = sandbox.isPresent();
    String work = sandboxed ? ReplicaLaunch.WORK_DIR : workDir.toString();
    env.put(MetricFiles.METRICS_FILE_ENV, work + "/" + MetricFiles.METRICS_FILE);
    env.put(MetricFiles.TENSORBOARD_DIR_ENV, work + "/" + MetricFiles.TENSORBOARD_DIR);
    env.put(
        "PYTHONPATH",
        PythonHelper.appendTo(
            env.get("PYTHONPATH"),
            sandboxed ? PythonLibrary.CONTAINER_PATH : pythonLibrary.toString()));
  }

  private static void appendMarker(
      ReplicaDirectory dir,
      ReplicaLaunch launch,
      ImageEnvironments.Rewritten rewritten,
      Instant startedAt)
      throws IOException {
    String marker =
        "--- capstan: "
            + launch.id().replica()
            + " attempt "
            + launch.attempt()
            + " started at "
            + startedAt
            + " ---\n";
    List<String> dropped = Torchrun.dropped(rewritten.resolved());
    if (!dropped.isEmpty()) {
      marker +=
          "--- capstan: torchrun flags dropped (unknown to torch 1.13, moot on one machine): "
              + String.join(" ", dropped)
              + " ---\n";
    }
    Files.writeString(
        dir.path().resolve(ReplicaDirectory.LOG),
        marker,
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }
}
