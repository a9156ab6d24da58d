package io.capstan.runtime.testing;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.job.Resources;
import io.capstan.runtime.ArtifactReader;
import io.capstan.runtime.Endpoint;
import io.capstan.runtime.GpuUsage;
import io.capstan.runtime.JobVolumes;
import io.capstan.runtime.LogChunk;
import io.capstan.runtime.LogSource;
import io.capstan.runtime.Mount;
import io.capstan.runtime.MountSource;
import io.capstan.runtime.Node;
import io.capstan.runtime.ProjectVolumes;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaLaunch;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.runtime.ReplicaPhase;
import io.capstan.runtime.RuntimeCapabilities;
import io.capstan.runtime.WorkloadRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * A {@link WorkloadRuntime} in memory for controller unit tests: no processes, no threads, no
 * sleeps; what replicas do is scripted by the test, and what the controller did is recorded.
 *
 * <pre>{@code
 * InMemoryRuntime runtime = new InMemoryRuntime(clock).nodes(InMemoryRuntime.node("node-0", 8));
 * controller.reconcile();                       // launches worker-0 and worker-1: both RUNNING
 * runtime.replica("job-1", "worker-1").exits(137);
 * controller.reconcile();                       // sees worker-1 FAILED with 137
 * assertThat(runtime.terminations()).extracting(Termination::id).contains(worker0);
 * }</pre>
 *
 * <p>By default a launched replica runs at once; after {@link #startPending()} it stays {@code
 * PENDING} until {@link ScriptedReplica#runs()} or {@link #runAll()}. A command written with {@link
 * InMemoryProgram} prints, serves a readiness path and exits by itself; any other command runs
 * until the test ends it. {@link #terminate} ends a running replica with 143 (or what {@link
 * ScriptedReplica#onTerminationExits} says), {@link #release} forgets a job's replicas. Ports get
 * the endpoint {@code <replica>.<jobUid>:<containerPort>} and {@code CAPSTAN_PORT_<NAME>} is the
 * container port, as on Kubernetes; {@code $(VAR)} is expanded. Job volumes live in memory: a
 * program writes to them ({@link InMemoryProgram#writeFile}), a test puts files in them ({@link
 * #putFile}), {@link #release} keeps them and {@link JobVolumes#delete} forgets them; artifact
 * mounts are read from the {@link ArtifactReader} given to {@link #artifacts}, if any, at launch.
 * Every change a script makes shows at the next observation. Thread-safe; times come from the given
 * clock.
 */
public final class InMemoryRuntime implements WorkloadRuntime {
  /** The port {@link #reserveEndpoints} hands out, as a fixed port on Kubernetes. */
  public static final int RENDEZVOUS_PORT = 29500;

  private final Clock clock;
  private final Map<String, InMemoryReplica> replicas = new TreeMap<>();
  private final List<ReplicaLaunch> launches = new ArrayList<>();
  private final List<Termination> terminations = new ArrayList<>();
  private final List<String> releases = new ArrayList<>();
  private final Set<String> failingImages = new HashSet<>();
  private final InMemoryVolumes volumes = new InMemoryVolumes();
  private final InMemoryProjectVolumes projectVolumes = new InMemoryProjectVolumes();
  private ArtifactReader artifacts;
  private List<Node> nodes = List.of(node("node-0", 8));
  private List<GpuUsage> gpuUsage = List.of();
  private RuntimeException nextLaunchFailure;
  private RuntimeException lostAnswer;
  private boolean startPending;
  private boolean closed;

  /** A runtime on the system clock with one node of 8 GPUs. */
  private final java.util.Set<String> reclaimed = new java.util.TreeSet<>();

  public InMemoryRuntime() {
    this(Clock.systemUTC());
  }

  /** A runtime whose start and finish times come from {@code clock}, with one node of 8 GPUs. */
  public InMemoryRuntime(Clock clock) {
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** A call of {@link #terminate}. */
  public record Termination(ReplicaId id, Duration grace) {}

  /** A node of 64 cores and 512 GiB with {@code gpus} GPUs of one model. */
  public static Node node(String name, int gpus) {
    List<Node.Gpu> devices =
        IntStream.range(0, gpus)
            .mapToObj(i -> new Node.Gpu(i, "NVIDIA-A100-SXM4-80GB", 80L << 30))
            .toList();
    return new Node(
        name,
        new Resources(64_000, 512L << 30, gpus),
        devices,
        gpus == 0 ? Map.of() : Map.of("capstan.io/gpu-model", "NVIDIA-A100-SXM4-80GB"));
  }

  /** As {@link #node}, a spot node: capacity the cloud may take back. */
  public static Node spotNode(String name, int gpus) {
    Node node = node(name, gpus);
    return new Node(node.name(), node.capacity(), node.gpus(), node.labels(), true);
  }

  /** The host at which a replica's ports are reached: {@code <replica>.<jobUid>}. */
  public static String host(ReplicaId id) {
    return id.replica() + "." + id.jobUid();
  }

  // ---- scripting -------------------------------------------------------------------------

  /** Replaces the nodes (a node lost, a node added). */
  public synchronized InMemoryRuntime nodes(Node... newNodes) {
    this.nodes = List.copyOf(Arrays.asList(newNodes));
    return this;
  }

  /**
   * The cloud takes these nodes back: they leave {@link #nodes()} and {@link #reclaimedNodes()}
   * reports them; their replicas go on until the test says otherwise.
   */
  public synchronized InMemoryRuntime reclaim(String... names) {
    List<String> gone = Arrays.asList(names);
    reclaimed.addAll(gone);
    nodes = nodes.stream().filter(node -> !gone.contains(node.name())).toList();
    return this;
  }

  @Override
  public synchronized java.util.Set<String> reclaimedNodes() {
    return java.util.Set.copyOf(reclaimed);
  }

  /** Replaces the GPUs' usage sample, as a node's {@code nvidia-smi} would report it. */
  public synchronized InMemoryRuntime gpuUsage(GpuUsage... samples) {
    this.gpuUsage = List.copyOf(Arrays.asList(samples));
    return this;
  }

  /** From now on, launched replicas stay PENDING until they are told to run. */
  public synchronized InMemoryRuntime startPending() {
    this.startPending = true;
    return this;
  }

  /** Every PENDING replica runs (and later launches run at once again). */
  public synchronized InMemoryRuntime runAll() {
    startPending = false;
    replicas.values().stream()
        .filter(replica -> replica.phase == ReplicaPhase.PENDING)
        .forEach(this::run);
    return this;
  }

  /** Every launch of {@code image} fails, as a runtime fails an image it cannot start. */
  public synchronized InMemoryRuntime failLaunchesOf(String image) {
    failingImages.add(requireNonNull(image, "image is null"));
    return this;
  }

  /** The next launch throws {@code error} and starts nothing. */
  public synchronized InMemoryRuntime failNextLaunch(RuntimeException error) {
    this.nextLaunchFailure = requireNonNull(error, "error is null");
    return this;
  }

  /**
   * The next launch that starts a replica, or the next release, takes effect and then throws {@code
   * error}: a call whose answer was lost (a timeout after the cluster acted), so the caller cannot
   * tell that it did. A controller must find out by observing, and not act twice.
   */
  public synchronized InMemoryRuntime loseNextAnswer(RuntimeException error) {
    this.lostAnswer = requireNonNull(error, "error is null");
    return this;
  }

  /**
   * Artifact mounts are read from {@code reader}: a launch whose artifact it does not have fails,
   * and a program can print the artifact. Without a reader, artifact mounts are not checked.
   */
  public synchronized InMemoryRuntime artifacts(ArtifactReader reader) {
    this.artifacts = requireNonNull(reader, "reader is null");
    return this;
  }

  /** Puts a file into a job's volume, as a replica would have written it. */
  public InMemoryRuntime putFile(String jobUid, String volume, String path, byte[] content) {
    volumes.put(jobUid, volume, path, requireNonNull(content, "content is null"));
    return this;
  }

  /** Puts a UTF-8 text file into a job's volume. */
  public InMemoryRuntime putFile(String jobUid, String volume, String path, String content) {
    return putFile(jobUid, volume, path, content.getBytes(StandardCharsets.UTF_8));
  }

  /** Puts a symbolic link into a job's volume: listed, never read. */
  public InMemoryRuntime putLink(String jobUid, String volume, String path) {
    volumes.put(jobUid, volume, path, null);
    return this;
  }

  /** The replica {@code replica} of job {@code jobUid}, to script; it must have been launched. */
  public ScriptedReplica replica(String jobUid, String replica) {
    return replica(new ReplicaId(jobUid, replica));
  }

  /** The replica {@code id}, to script; it must have been launched. */
  public synchronized ScriptedReplica replica(ReplicaId id) {
    state(id);
    return new ScriptedReplica(this, id);
  }

  // ---- what the controller did ------------------------------------------------------------

  /** Every launch that started a replica, in order (a repeated launch of an attempt is not). */
  public synchronized List<ReplicaLaunch> launches() {
    return List.copyOf(launches);
  }

  /** The launches of one job, in order. */
  public synchronized List<ReplicaLaunch> launchesOf(String jobUid) {
    return launches.stream().filter(l -> l.id().jobUid().equals(jobUid)).toList();
  }

  /** Every call of {@link #terminate}, for known replicas and unknown ones, in order. */
  public synchronized List<Termination> terminations() {
    return List.copyOf(terminations);
  }

  /** Every job uid {@link #release} was called with, in order. */
  public synchronized List<String> releases() {
    return List.copyOf(releases);
  }

  /** Every job uid whose volumes were deleted, in order. */
  public List<String> volumeDeletions() {
    return volumes.deletions();
  }

  // ---- WorkloadRuntime --------------------------------------------------------------------

  @Override
  public String name() {
    return "in-memory";
  }

  @Override
  public synchronized List<Node> nodes() {
    return nodes;
  }

  @Override
  public synchronized List<GpuUsage> gpuUsage() {
    return gpuUsage;
  }

  @Override
  public RuntimeCapabilities capabilities() {
    return new RuntimeCapabilities(
        true, true, List.of("in-memory runtime for tests: no process runs"));
  }

  @Override
  public List<Endpoint> reserveEndpoints(String jobUid, List<String> replicaNames) {
    requireNonNull(jobUid, "jobUid is null");
    return replicaNames.stream()
        .map(name -> new Endpoint(host(new ReplicaId(jobUid, name)), RENDEZVOUS_PORT))
        .toList();
  }

  @Override
  public synchronized void launch(ReplicaLaunch launch) {
    requireNonNull(launch, "launch is null");
    checkOpen();
    if (nextLaunchFailure != null) {
      RuntimeException failure = nextLaunchFailure;
      nextLaunchFailure = null;
      throw failure;
    }
    if (failingImages.contains(launch.image())) {
      throw CapstanException.invalidSpec(
          "image",
          "Expected image '" + launch.image() + "' to be one the runtime can start, but it fails");
    }
    String key = launch.id().key();
    InMemoryReplica existing = replicas.get(key);
    if (existing != null && existing.launch.attempt() == launch.attempt()) {
      return;
    }
    if (existing != null && !existing.phase.isFinished()) {
      throw new CapstanException(
          ErrorCode.INVALID_STATE,
          null,
          "Expected replica "
              + key
              + " attempt "
              + existing.launch.attempt()
              + " to have exited before attempt "
              + launch.attempt()
              + " is launched, but it is still "
              + existing.phase);
    }
    checkMounts(launch);
    InMemoryReplica replica =
        new InMemoryReplica(
            launch, clock.instant(), volumes, artifacts == null ? ArtifactReader.NONE : artifacts);
    replica.phase = ReplicaPhase.PENDING;
    replicas.put(key, replica);
    launches.add(launch);
    if (!startPending) {
      run(replica);
    }
    throwLostAnswer();
  }

  @Override
  public synchronized void terminate(ReplicaId id, Duration grace) {
    requireNonNull(id, "id is null");
    requireNonNull(grace, "grace is null");
    terminations.add(new Termination(id, grace));
    InMemoryReplica replica = replicas.get(id.key());
    if (replica == null || replica.phase.isFinished() || replica.terminationExit == null) {
      return;
    }
    replica.finish(replica.terminationExit, null, clock.instant());
  }

  @Override
  public synchronized List<ReplicaObservation> observe(String jobUid) {
    requireNonNull(jobUid, "jobUid is null");
    return replicas.values().stream()
        .filter(replica -> replica.launch.id().jobUid().equals(jobUid))
        .map(replica -> replica.observe(clock.instant()))
        .toList();
  }

  @Override
  public synchronized List<ReplicaObservation> observeAll() {
    return replicas.values().stream().map(replica -> replica.observe(clock.instant())).toList();
  }

  @Override
  public synchronized void release(String jobUid) {
    requireNonNull(jobUid, "jobUid is null");
    releases.add(jobUid);
    replicas.values().removeIf(replica -> replica.launch.id().jobUid().equals(jobUid));
    throwLostAnswer();
  }

  @Override
  public LogSource logs() {
    return this::read;
  }

  @Override
  public JobVolumes volumes() {
    return volumes;
  }

  @Override
  public ProjectVolumes projectVolumes() {
    return projectVolumes;
  }

  @Override
  public synchronized void close() {
    closed = true;
  }

  /** Makes the launch's volumes exist and, with a reader, checks its artifacts can be read. */
  private void checkMounts(ReplicaLaunch launch) {
    for (Mount mount : launch.mounts()) {
      if (mount.source() instanceof MountSource.JobVolume volume) {
        volumes.create(launch.id().jobUid(), volume.name());
      }
      if (mount.source() instanceof MountSource.ProjectVolume volume) {
        projectVolumes.create(launch.tenant(), volume.claim());
      }
      if (mount.source() instanceof MountSource.Artifact artifact && artifacts != null) {
        try (InputStream in = artifacts.open(artifact.key())) {
          in.transferTo(OutputStream.nullOutputStream());
        } catch (NoSuchElementException | IOException e) {
          throw new CapstanException(
              ErrorCode.INTERNAL,
              null,
              "Expected artifact "
                  + artifact.key()
                  + " for the mount at "
                  + mount.containerPath()
                  + " of replica "
                  + launch.id().key()
                  + ", but could not read it: "
                  + e.getMessage(),
              e);
        }
      }
    }
  }

  private synchronized Optional<LogChunk> read(
      ReplicaId id, int attempt, long offset, int maxBytes) {
    LogSource.checkRead(id, attempt, offset, maxBytes);
    InMemoryReplica replica = replicas.get(id.key());
    if (replica == null || replica.launch.attempt() != attempt) {
      return Optional.empty();
    }
    byte[] all = replica.log.toByteArray();
    int from = (int) Math.min(offset, all.length);
    int to = (int) Math.min(all.length, (long) from + maxBytes);
    boolean finished = replica.phase.isFinished();
    return Optional.of(
        new LogChunk(
            Arrays.copyOfRange(all, from, to), Math.max(offset, to), finished && to >= all.length));
  }

  // ---- for ScriptedReplica ----------------------------------------------------------------

  synchronized InMemoryReplica state(ReplicaId id) {
    InMemoryReplica replica = replicas.get(requireNonNull(id, "id is null").key());
    if (replica == null) {
      throw new IllegalStateException(
          "Expected replica "
              + id.key()
              + " to have been launched, but the runtime has only "
              + replicas.keySet());
    }
    return replica;
  }

  synchronized void run(InMemoryReplica replica) {
    if (replica.phase != ReplicaPhase.PENDING) {
      return;
    }
    replica.phase = ReplicaPhase.RUNNING;
    replica.startedAt = clock.instant();
    replica.runProgram();
  }

  Clock clock() {
    return clock;
  }

  private void throwLostAnswer() {
    if (lostAnswer != null) {
      RuntimeException error = lostAnswer;
      lostAnswer = null;
      throw error;
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new CapstanException(
          ErrorCode.INVALID_STATE, null, "Expected an open in-memory runtime, but it was closed");
    }
  }
}
