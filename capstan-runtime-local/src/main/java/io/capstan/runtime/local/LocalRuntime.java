package io.capstan.runtime.local;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.job.Resources;
import io.capstan.runtime.ArtifactReader;
import io.capstan.runtime.Endpoint;
import io.capstan.runtime.GpuUsage;
import io.capstan.runtime.ImageMap;
import io.capstan.runtime.JobVolumes;
import io.capstan.runtime.LogSource;
import io.capstan.runtime.MetricFiles;
import io.capstan.runtime.Node;
import io.capstan.runtime.ProjectVolumes;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaLaunch;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.runtime.RuntimeCapabilities;
import io.capstan.runtime.WorkloadRuntime;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime of one machine: each replica is a process group led by a small supervisor that
 * outlives the control plane, with its own working directory, free ports, GPU indices and, where
 * the host allows, a cgroup with its CPU and memory limits. All state is in {@code
 * config.stateDir()}, so a new instance over the same directory re-adopts running replicas; the
 * jobs' volumes are there too ({@link LocalVolumes}).
 */
public final class LocalRuntime implements WorkloadRuntime {
  private static final Logger log = LoggerFactory.getLogger(LocalRuntime.class);
  private static final Duration RELEASE_GRACE = Duration.ofSeconds(2);
  private static final Duration RELEASE_KILL_WAIT = Duration.ofSeconds(3);
  private static final Duration RECORDED_EXIT_WAIT = Duration.ofSeconds(2);

  private final LocalRuntimeConfig config;
  private final Path replicasDir;
  private final Cgroups cgroups;
  private final List<Node.Gpu> gpus;
  private final Optional<GpuMonitor> gpuMonitor;
  private final LocalImageMap imageMap;
  private final ImageEnvironments environments;
  private final ReplicaStarter starter;
  private final boolean sandboxed;
  private final List<String> isolationNotes;
  private final PortReservations ports = new PortReservations(8192);
  private final ScheduledExecutorService killer;
  private final ReadinessProber prober = new ReadinessProber();
  private final LocalLogSource logs;
  private final LocalVolumes volumes;
  private final LocalMetricFiles metricFiles;
  private boolean closed;

  /** A runtime without an artifact store: a launch that mounts an artifact fails. */
  public LocalRuntime(LocalRuntimeConfig config) {
    this(config, ArtifactReader.NONE);
  }

  /**
   * @param artifacts the control plane's artifacts, for artifact mounts
   */
  public LocalRuntime(LocalRuntimeConfig config, ArtifactReader artifacts) {
    this.config = requireNonNull(config, "config is null");
    this.replicasDir = config.stateDir().resolve("replicas");
    this.volumes =
        new LocalVolumes(
            config.stateDir().resolve("volumes"),
            config.stateDir().resolve("project-volumes"),
            artifacts,
            config.sandbox().sandboxed());
    this.logs = new LocalLogSource(replicasDir);
    this.metricFiles =
        new LocalMetricFiles(
            volumes::workDir, id -> volumes.scratch(id, MetricFiles.COLLECTOR_VOLUME));
    this.cgroups =
        Cgroups.detect(config.cgroups(), config.cgroupRoot(), namespace(config.stateDir()));
    NvidiaSmi smi = NvidiaSmi.onPath();
    this.gpus =
        config
            .configuredGpus()
            .map(GpuInventory::configured)
            .orElseGet(() -> GpuInventory.detect(smi));
    this.gpuMonitor =
        config.configuredGpus().isEmpty() && !gpus.isEmpty()
            ? Optional.of(
                new GpuMonitor(smi, config.nodeName(), Clock.systemUTC()).start(GpuMonitor.PERIOD))
            : Optional.empty();
    boolean root = runsAsRoot();
    this.sandboxed = config.sandbox().sandboxed();
    Mpirun mpirun = Mpirun.install(config.stateDir(), root);
    Optional<Bubblewrap> sandbox = Optional.empty();
    Optional<TenantIds> tenants = Optional.empty();
    if (sandboxed) {
      Bubblewrap.probe(root)
          .ifPresent(
              problem -> {
                throw new IllegalStateException(
                    "Expected to run every replica in a bubblewrap sandbox, but "
                        + problem
                        + ". Install bubblewrap (apt-get install bubblewrap), or, on a machine"
                        + " where every job is trusted, start the server with --trust-all-jobs");
              });
      List<Path> hidden = new ArrayList<>(config.sandbox().hidden());
      hidden.add(config.stateDir());
      sandbox = Optional.of(new Bubblewrap(root, hidden, mpirun.agent()));
      mpirun = mpirun.seenAt(Path.of(Bubblewrap.MPI_AGENT), false);
      if (root) {
        tenants =
            Optional.of(
                new TenantIds(
                    config.stateDir(), config.sandbox().firstUid(), config.sandbox().uidCount()));
      }
    }
    this.isolationNotes = isolationNotes(sandboxed, root);
    Supplier<String> interpreter =
        memoize(() -> ImageEnvironments.resolveInterpreter(config.pythonInterpreter()));
    // Found out now, beside the start-up, rather than by the first launch, which would wait for it.
    Thread probe = new Thread(interpreter::get, "capstan-python-probe");
    probe.setDaemon(true);
    probe.start();
    this.imageMap = new LocalImageMap(config.environments(), config.imagesFile());
    this.environments =
        new ImageEnvironments(
            imageMap::environments, interpreter, mpirun, config.stateDir().resolve("python"));
    this.starter =
        new ReplicaStarter(
            Supervisor.install(config.stateDir()),
            cgroups,
            System.getenv(),
            sandbox,
            tenants,
            config.sandbox().pidsMax(),
            PythonLibrary.install(config.stateDir()));
    this.killer =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "capstan-local-runtime-killer");
              thread.setDaemon(true);
              return thread;
            });
    resumeTerminations();
    resumeProbes();
    log.info("Local runtime over {}: {}; {}", config.stateDir(), cgroups.notes(), isolationNotes);
  }

  @Override
  public String name() {
    return "local";
  }

  /** The last {@code nvidia-smi} sample when GPUs were detected; none when they were configured. */
  @Override
  public List<GpuUsage> gpuUsage() {
    return gpuMonitor.map(GpuMonitor::last).orElse(List.of());
  }

  @Override
  public List<Node> nodes() {
    Map<String, String> labels = Map.of();
    if (!gpus.isEmpty()) {
      List<String> models = gpus.stream().map(Node.Gpu::model).distinct().toList();
      labels = Map.of("capstan.io/gpu-model", models.size() == 1 ? models.get(0) : "mixed");
    }
    Resources capacity = new Resources(config.cpuMillis(), config.memoryBytes(), gpus.size());
    return List.of(new Node(config.nodeName(), capacity, gpus, labels));
  }

  @Override
  public RuntimeCapabilities capabilities() {
    List<String> notes = new ArrayList<>(cgroups.notes());
    notes.addAll(isolationNotes);
    return new RuntimeCapabilities(cgroups.enforcesCpu(), cgroups.enforcesMemory(), notes);
  }

  /** The image map: the built-in entries and the operator's file ({@link LocalImageMap}). */
  @Override
  public Optional<ImageMap> images() {
    return Optional.of(imageMap);
  }

  @Override
  public List<Endpoint> reserveEndpoints(String jobUid, List<String> replicas) {
    requireNonNull(jobUid, "jobUid is null");
    return replicas.stream().map(replica -> new Endpoint("127.0.0.1", ports.reserve())).toList();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Locally: each declared port gets a free host port (replicas share the host's network),
   * announced as {@code CAPSTAN_PORT_<NAME>} and recorded in the state directory, so a restarted
   * control plane still sees the endpoints; {@code $(VAR)} in the command is expanded; the files
   * are written under the replica's state directory and mounted read-only (see {@link
   * ReplicaFiles}); a readiness probe starts on the runtime's prober.
   */
  @Override
  public synchronized void launch(ReplicaLaunch launch) {
    begin(launch).ifPresent(this::finish);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Locally: every supervisor is started first, then each is awaited, so the sandboxes of a
   * job's replicas start up side by side instead of one after another.
   */
  @Override
  public synchronized void launchAll(List<ReplicaLaunch> launches) {
    List<Pending> started = new ArrayList<>();
    RuntimeException failure = null;
    for (ReplicaLaunch launch : launches) {
      try {
        begin(launch).ifPresent(started::add);
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
      }
    }
    started.forEach(this::finish);
    if (failure != null) {
      throw failure;
    }
  }

  /** A replica whose supervisor was started, with what comes after its command has started. */
  private record Pending(ReplicaStarter.Started started, Runnable probe) {}

  /** Prepares and starts a replica's supervisor; empty when this attempt exists already. */
  private Optional<Pending> begin(ReplicaLaunch launch) {
    requireNonNull(launch, "launch is null");
    checkOpen();
    ReplicaDirectory dir = ReplicaDirectory.of(replicasDir, launch.id());
    Optional<LaunchRecord> existing = dir.launchRecord();
    if (existing.isPresent() && existing.get().attempt() == launch.attempt()) {
      return Optional.empty();
    }
    PreparedLaunch prepared = PreparedLaunch.of(launch, dir, ports, volumes);
    ImageEnvironments.Rewritten rewritten =
        environments.rewrite(
            new ImageEnvironments.Replica(
                launch.image(),
                prepared.launch().command(),
                prepared.launch().args(),
                launch.workingDir(),
                prepared.env(),
                prepared.launch().workDir(),
                dir.path().resolve(ReplicaDirectory.WORKING_DIR)),
            prepared.launch().mounts(),
            sandboxed);
    if (Files.exists(dir.path())) {
      if (dir.has(ReplicaDirectory.EXIT_CODE)) {
        // Observed as exited: its supervisor is between recording the exit and exiting itself.
        awaitExit(List.of(dir), RECORDED_EXIT_WAIT);
      }
      OptionalLong running = ReplicaStatus.runningPid(dir);
      if (running.isPresent()) {
        throw new CapstanException(
            ErrorCode.INVALID_STATE,
            null,
            "Expected replica "
                + launch.id().key()
                + " attempt "
                + existing.map(LaunchRecord::attempt).orElse(0)
                + " to have exited before attempt "
                + launch.attempt()
                + " is launched, but it is still running (pid "
                + running.getAsLong()
                + ")");
      }
      discard(dir);
    }
    ReplicaStarter.Started started =
        starter.start(dir, prepared.launch(), rewritten, prepared.hostPorts(), launch.files());
    return Optional.of(
        new Pending(
            started,
            () ->
                prepared
                    .probe()
                    .ifPresent(
                        request ->
                            probe(dir, launch.attempt(), request, launch.readiness().period()))));
  }

  private void finish(Pending pending) {
    starter.awaitStarted(pending.started());
    pending.probe().run();
  }

  /** Probes a replica's attempt until it no longer runs. */
  private void probe(ReplicaDirectory dir, int attempt, HttpRequest request, Duration period) {
    prober.watch(
        dir.id(),
        attempt,
        request,
        period,
        () ->
            dir.launchRecord().map(LaunchRecord::attempt).orElse(0) == attempt
                && ReplicaStatus.runningPid(dir).isPresent());
  }

  @Override
  public synchronized void terminate(ReplicaId id, Duration grace) {
    requireNonNull(id, "id is null");
    requireNonNull(grace, "grace is null");
    checkOpen();
    ReplicaDirectory dir = ReplicaDirectory.of(replicasDir, id);
    OptionalLong pid = ReplicaStatus.runningPid(dir);
    if (pid.isEmpty()) {
      killCgroup(dir); // leftovers of a replica whose supervisor has exited
      return;
    }
    long deadline = System.currentTimeMillis() + Math.max(0, grace.toMillis());
    Optional<Long> earlier = dir.readLong(ReplicaDirectory.TERMINATE_DEADLINE);
    if (earlier.isEmpty() || earlier.get() > deadline) {
      dir.writeString(ReplicaDirectory.TERMINATE_DEADLINE, deadline + "\n");
    }
    signal(dir, pid.getAsLong(), false);
    scheduleKill(id, dir.launchRecord().map(LaunchRecord::attempt).orElse(0), deadline);
  }

  @Override
  public synchronized List<ReplicaObservation> observe(String jobUid) {
    requireNonNull(jobUid, "jobUid is null");
    return ReplicaDirectory.list(replicasDir).stream()
        .filter(dir -> dir.id().jobUid().equals(jobUid))
        .map(dir -> ReplicaStatus.observe(dir, prober))
        .toList();
  }

  @Override
  public synchronized List<ReplicaObservation> observeAll() {
    return ReplicaDirectory.list(replicasDir).stream()
        .map(dir -> ReplicaStatus.observe(dir, prober))
        .toList();
  }

  @Override
  public synchronized void release(String jobUid) {
    requireNonNull(jobUid, "jobUid is null");
    List<ReplicaDirectory> dirs =
        ReplicaDirectory.list(replicasDir).stream()
            .filter(dir -> dir.id().jobUid().equals(jobUid))
            .toList();
    for (ReplicaDirectory dir : dirs) {
      ReplicaStatus.runningPid(dir).ifPresent(pid -> signal(dir, pid, false));
    }
    awaitExit(dirs, RELEASE_GRACE);
    for (ReplicaDirectory dir : dirs) {
      OptionalLong pid = ReplicaStatus.runningPid(dir);
      if (pid.isPresent()) {
        dir.writeString(ReplicaDirectory.KILLED, "SIGKILL\n");
        signal(dir, pid.getAsLong(), true);
      }
    }
    awaitExit(dirs, RELEASE_KILL_WAIT);
    for (ReplicaDirectory dir : dirs) {
      if (ReplicaStatus.runningPid(dir).isPresent()) {
        log.warn("Replica {} is still running after SIGKILL; it is released later", dir.id().key());
      } else {
        discard(dir);
      }
    }
  }

  @Override
  public LogSource logs() {
    return logs;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Locally: folders under {@code <stateDir>/volumes/<jobUid>/}, see {@link LocalVolumes}.
   */
  @Override
  public JobVolumes volumes() {
    return volumes;
  }

  @Override
  public ProjectVolumes projectVolumes() {
    return volumes.projects();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Locally: {@code capstan-metrics.jsonl} and {@code tensorboard/} in each replica's own work
   * folder, see {@link LocalMetricFiles}.
   */
  @Override
  public Optional<MetricFiles> metricFiles() {
    return Optional.of(metricFiles);
  }

  /**
   * Stops the runtime's own threads and removes its parent cgroups if they are empty; the replicas
   * keep running, to be re-adopted.
   */
  @Override
  public synchronized void close() {
    closed = true;
    gpuMonitor.ifPresent(GpuMonitor::close);
    killer.shutdownNow();
    prober.close();
    cgroups.removeParentsIfEmpty();
  }

  /** Sends the escalation (SIGKILL) once a termination's grace period is over. */
  private synchronized void escalate(ReplicaId id, int attempt) {
    if (closed) {
      return;
    }
    ReplicaDirectory dir = ReplicaDirectory.of(replicasDir, id);
    if (dir.launchRecord().map(LaunchRecord::attempt).orElse(0) != attempt) {
      return; // the terminated attempt is gone and a newer one runs: never kill that one
    }
    OptionalLong pid = ReplicaStatus.runningPid(dir);
    if (pid.isPresent()) {
      // The supervisor dies with the group and cannot record the exit; this marker says why.
      dir.writeString(ReplicaDirectory.KILLED, "SIGKILL\n");
      signal(dir, pid.getAsLong(), true);
    } else {
      killCgroup(dir);
    }
  }

  private void scheduleKill(ReplicaId id, int attempt, long deadlineMillis) {
    long delay = Math.max(0, deadlineMillis - System.currentTimeMillis());
    killer.schedule(() -> runEscalation(id, attempt), delay, TimeUnit.MILLISECONDS);
  }

  private void runEscalation(ReplicaId id, int attempt) {
    try {
      escalate(id, attempt);
    } catch (RuntimeException e) {
      log.error("Cannot kill replica {} after its grace period", id.key(), e);
    }
  }

  /** Re-schedules the SIGKILL of terminations that a previous instance had started. */
  private void resumeTerminations() {
    for (ReplicaDirectory dir : ReplicaDirectory.list(replicasDir)) {
      Optional<Long> deadline = dir.readLong(ReplicaDirectory.TERMINATE_DEADLINE);
      if (deadline.isPresent() && ReplicaStatus.runningPid(dir).isPresent()) {
        scheduleKill(
            dir.id(), dir.launchRecord().map(LaunchRecord::attempt).orElse(0), deadline.get());
      }
    }
  }

  /** Probes the running replicas that a previous instance launched with a readiness probe. */
  private void resumeProbes() {
    for (ReplicaDirectory dir : ReplicaDirectory.list(replicasDir)) {
      Optional<ReadinessRecord> readiness = dir.readinessRecord();
      Optional<LaunchRecord> record = dir.launchRecord();
      if (readiness.isPresent()
          && record.isPresent()
          && ReplicaStatus.runningPid(dir).isPresent()) {
        ReadinessRecord probe = readiness.get();
        probe(
            dir,
            record.get().attempt(),
            ReadinessProber.request(probe.hostPort(), probe.spec()),
            probe.spec().period());
      }
    }
  }

  private void signal(ReplicaDirectory dir, long supervisorPid, boolean forcibly) {
    Signals.signalGroup(supervisorPid, forcibly ? "KILL" : "TERM");
    // A sandbox's processes cannot leave its PID namespace, and its outer bwrap process must not
    // get the TERM (see Supervisor): its supervisor forwards TERM to the sandbox's init.
    if (forcibly || !sandboxed) {
      for (long pid : Cgroups.processes(dir.cgroups())) {
        Signals.signalProcess(pid, forcibly);
      }
    }
  }

  private static List<String> isolationNotes(boolean sandboxed, boolean root) {
    if (!sandboxed) {
      return List.of(
          "TRUST ALL JOBS: replicas run as the server's own user without a sandbox; any job can"
              + " read and change the server's data, other projects' files and processes");
    }
    return List.of(
        root
            ? "Each replica runs in a bubblewrap sandbox (mount, PID, IPC, UTS namespaces; host"
                + " read-only; only its own folders) as an unprivileged user of its project"
            : "Each replica runs in a bubblewrap sandbox (user, mount, PID, IPC, UTS namespaces;"
                + " host read-only; only its own folders) as the server's user: run the server"
                + " as root to give each project a user of its own",
        "GPUs: a sandboxed replica sees the device nodes of its assigned GPUs only");
  }

  /** Why replicas cannot be sandboxed on this host, or empty when they can. */
  public static Optional<String> sandboxProblem() {
    return Bubblewrap.probe(runsAsRoot());
  }

  /** Whether this process runs as root: the owner of {@code /proc/self} is the effective uid. */
  private static boolean runsAsRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (java.io.IOException | UnsupportedOperationException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  private static void killCgroup(ReplicaDirectory dir) {
    for (long pid : Cgroups.processes(dir.cgroups())) {
      Signals.signalProcess(pid, true);
    }
  }

  /** Removes a finished replica's cgroups and state; the caller has checked it is not running. */
  private void discard(ReplicaDirectory dir) {
    prober.forget(dir.id());
    List<Path> cgroupDirs = dir.cgroups();
    killCgroup(dir);
    awaitEmpty(cgroupDirs);
    if (!Cgroups.remove(cgroupDirs)) {
      log.warn("Replica {} left processes in its cgroups {}", dir.id().key(), cgroupDirs);
    }
    dir.delete();
  }

  private static void awaitExit(List<ReplicaDirectory> dirs, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (dirs.stream().anyMatch(dir -> ReplicaStatus.runningPid(dir).isPresent())
        && System.nanoTime() < deadline) {
      pause();
    }
  }

  private static void awaitEmpty(List<Path> cgroupDirs) {
    long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
    while (!Cgroups.processes(cgroupDirs).isEmpty() && System.nanoTime() < deadline) {
      pause();
    }
  }

  private static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for replicas to exit", e);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new CapstanException(
          ErrorCode.INVALID_STATE, null, "Expected an open local runtime, but it was closed");
    }
  }

  /**
   * A short name for this state directory, so runtimes over different directories never share
   * cgroups.
   */
  private static String namespace(Path stateDir) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(stateDir.toString().getBytes(StandardCharsets.UTF_8));
      return "s" + HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Expected SHA-256 to be available, but it is not", e);
    }
  }

  private static <T> Supplier<T> memoize(Supplier<T> supplier) {
    return new Supplier<>() {
      private T value;

      @Override
      public synchronized T get() {
        if (value == null) {
          value = supplier.get();
        }
        return value;
      }
    };
  }
}
