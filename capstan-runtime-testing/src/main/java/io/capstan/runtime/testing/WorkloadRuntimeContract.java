package io.capstan.runtime.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.capstan.api.job.Resources;
import io.capstan.runtime.ArtifactReader;
import io.capstan.runtime.Endpoint;
import io.capstan.runtime.LogChunk;
import io.capstan.runtime.Mount;
import io.capstan.runtime.MountSource;
import io.capstan.runtime.ProjectVolumes;
import io.capstan.runtime.ReadinessSpec;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaLaunch;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.runtime.ReplicaPhase;
import io.capstan.runtime.VolumeFile;
import io.capstan.runtime.WorkloadRuntime;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link WorkloadRuntime} does, as one JUnit test that each runtime's test extends (the
 * in-memory and the local runtime now, the Kubernetes runtime next). A subclass supplies the
 * runtime and turns the behaviours the contract needs ("print X and exit N", "serve HTTP on port P
 * at a path", "run until stopped") into commands its runtime runs: shell and Python for the local
 * runtime, an {@link InMemoryProgram} for the in-memory one. Waits are bounded polls.
 */
public abstract class WorkloadRuntimeContract {
  private static final Duration GRACE = Duration.ofSeconds(10);

  /** Where launches put their work directories. */
  @TempDir protected Path scratch;

  protected WorkloadRuntime runtime;

  /** The artifacts {@link #artifactReader()} has, by key. */
  private final Map<String, byte[]> artifacts = new ConcurrentHashMap<>();

  /**
   * A new runtime over fresh state that reads artifacts with {@link #artifactReader()}; the
   * contract closes it after each test.
   */
  protected abstract WorkloadRuntime createRuntime();

  /** The artifact store the runtime is given: streams only, no local files. */
  protected ArtifactReader artifactReader() {
    return key -> {
      byte[] content = artifacts.get(key);
      if (content == null) {
        throw new NoSuchElementException("No artifact " + key);
      }
      return new ByteArrayInputStream(content);
    };
  }

  /** Writes {@code content} (no line break) to the file at {@code containerPath}, exits 0. */
  protected abstract List<String> writeFile(String containerPath, String content);

  /** Prints {@code text} (an argument the runtime expands) and a line break, exits with code. */
  protected abstract List<String> printAndExit(String text, int exitCode);

  /** Prints {@code text} and a line break, then runs until it is terminated. */
  protected abstract List<String> printAndRun(String text);

  /** Prints the value of the environment variable {@code name} and a line break, exits 0. */
  protected abstract List<String> printEnv(String name);

  /** Prints the content of the file at {@code containerPath}, exits 0. */
  protected abstract List<String> printFile(String containerPath);

  /**
   * Serves HTTP on {@code port} (a word the runtime expands to a number, like {@code
   * $(CAPSTAN_PORT_HTTP)}) until terminated: 200 for {@code GET path} with the header {@code
   * Authorization: <authorization>}, 401 without it, 404 for other paths.
   */
  protected abstract List<String> serveHttp(String port, String path, String authorization);

  /** An image the runtime starts. */
  protected String image() {
    return "capstan/contract:1";
  }

  /** How long a replica may take to start, answer or exit. */
  protected Duration timeout() {
    return Duration.ofSeconds(30);
  }

  @BeforeEach
  void openRuntime() {
    runtime = createRuntime();
  }

  @AfterEach
  void closeRuntime() {
    try {
      runtime.observeAll().stream().map(o -> o.id().jobUid()).distinct().forEach(runtime::release);
    } finally {
      runtime.close();
    }
  }

  /** A launch of {@code replica} of {@code jobUid}, attempt 1, with this contract's defaults. */
  protected ReplicaLaunch.Builder launch(String jobUid, String replica) {
    ReplicaId id = new ReplicaId(jobUid, replica);
    return ReplicaLaunch.builder(id)
        .image(image())
        .resources(Resources.NONE)
        .workDir(scratch.resolve("work").resolve(id.key()))
        .tenant("contract");
  }

  @Test
  void aReplicaThatExitsIsSeenRunningOrFinishedThenSucceedsOrFailsWithItsExitCode() {
    runtime.launch(launch("job-a", "worker-0").command(printAndExit("zero", 0)).build());
    runtime.launch(launch("job-a", "worker-1").command(printAndExit("three", 3)).build());

    List<ReplicaPhase> seen = new ArrayList<>();
    ReplicaObservation zero = awaitFinished(id("job-a", "worker-0"), seen);
    ReplicaObservation three = awaitFinished(id("job-a", "worker-1"), new ArrayList<>());

    assertThat(zero.phase()).isEqualTo(ReplicaPhase.SUCCEEDED);
    assertThat(zero.exitCode()).isZero();
    assertThat(zero.attempt()).isEqualTo(1);
    assertThat(zero.ready()).isFalse();
    assertThat(three.phase()).isEqualTo(ReplicaPhase.FAILED);
    assertThat(three.exitCode()).isEqualTo(3);
    // Pending or running until it has finished, never lost on the way.
    assertThat(seen.subList(0, seen.size() - 1))
        .isSubsetOf(ReplicaPhase.PENDING, ReplicaPhase.RUNNING);
    assertThat(observe(id("job-a", "worker-0")).orElseThrow().phase())
        .isEqualTo(ReplicaPhase.SUCCEEDED);
  }

  @Test
  void aRunningReplicaIsSeenRunningAndReadyWithoutAProbe() {
    ReplicaId id = id("job-a", "worker-0");
    runtime.launch(launch("job-a", "worker-0").command(printAndRun("up")).build());

    ReplicaObservation running = awaitPhase(id, ReplicaPhase.RUNNING);

    assertThat(running.ready()).isTrue();
    assertThat(running.startedAt()).isNotNull();
    assertThat(running.exitCode()).isNull();
    assertThat(running.endpoints()).isEmpty();
  }

  @Test
  void launchingTheSameAttemptAgainDoesNothing() {
    ReplicaLaunch launch = launch("job-a", "worker-0").command(printAndRun("launched")).build();
    runtime.launch(launch);
    ReplicaObservation first = awaitPhase(launch.id(), ReplicaPhase.RUNNING);
    await().until(() -> logOf(launch.id()).contains("launched"));

    runtime.launch(launch);

    assertThat(runtime.observe("job-a")).hasSize(1);
    ReplicaObservation again = observe(launch.id()).orElseThrow();
    assertThat(again.phase()).isEqualTo(ReplicaPhase.RUNNING);
    assertThat(again.startedAt()).isEqualTo(first.startedAt());
    assertThat(logOf(launch.id()).split("launched", -1)).hasSize(2);
  }

  @Test
  void launchingAJobsReplicasTogetherStartsEachOnceAndSkipsThoseThatExist() {
    ReplicaLaunch zero = launch("job-a", "worker-0").command(printAndRun("zero")).build();
    ReplicaLaunch one = launch("job-a", "worker-1").command(printAndRun("one")).build();
    ReplicaLaunch two = launch("job-a", "worker-2").command(printAndRun("two")).build();
    runtime.launch(zero);
    awaitPhase(zero.id(), ReplicaPhase.RUNNING);

    runtime.launchAll(List.of(zero, one, two));

    awaitPhase(one.id(), ReplicaPhase.RUNNING);
    awaitPhase(two.id(), ReplicaPhase.RUNNING);
    assertThat(runtime.observe("job-a")).hasSize(3);
    await().until(() -> logOf(two.id()).contains("two"));
    await().until(() -> logOf(zero.id()).contains("zero"));
    assertThat(logOf(zero.id()).split("zero", -1))
        .as("the running one was not started again")
        .hasSize(2);
  }

  @Test
  void aNewAttemptIsANewReplica() {
    ReplicaId id = id("job-a", "worker-0");
    runtime.launch(launch("job-a", "worker-0").command(printAndExit("first", 1)).build());
    assertThat(awaitFinished(id, new ArrayList<>()).exitCode()).isEqualTo(1);

    runtime.launch(
        launch("job-a", "worker-0").attempt(2).command(printAndExit("second", 0)).build());

    ReplicaObservation second = awaitFinished(id, new ArrayList<>());
    assertThat(second.attempt()).isEqualTo(2);
    assertThat(second.phase()).isEqualTo(ReplicaPhase.SUCCEEDED);
    assertThat(runtime.observe("job-a")).hasSize(1);
    assertThat(logOf(id))
        .as("a new attempt's log starts with its own marker and holds its own output only")
        .startsWith("--- capstan: worker-0 attempt 2 started at ")
        .contains("second")
        .doesNotContain("first");
  }

  @Test
  void terminateEndsARunningReplicaWithSigtermOrSigkill() {
    ReplicaId id = id("job-a", "worker-0");
    runtime.launch(launch("job-a", "worker-0").command(printAndRun("up")).build());
    awaitPhase(id, ReplicaPhase.RUNNING);

    runtime.terminate(id, GRACE);

    ReplicaObservation ended = awaitFinished(id, new ArrayList<>());
    assertThat(ended.phase()).isEqualTo(ReplicaPhase.FAILED);
    assertThat(ended.exitCode()).isIn(143, 137);
    assertThat(ended.ready()).isFalse();
  }

  @Test
  void terminateIgnoresAnUnknownReplica() {
    assertThatCode(() -> runtime.terminate(id("nobody", "worker-0"), GRACE))
        .doesNotThrowAnyException();
    assertThat(runtime.observe("nobody")).isEmpty();
  }

  @Test
  void releaseForgetsAJobsReplicasAndStopsTheLiveOnes() {
    runtime.launch(launch("job-a", "worker-0").command(printAndExit("done", 0)).build());
    runtime.launch(launch("job-a", "worker-1").command(printAndRun("up")).build());
    runtime.launch(launch("job-b", "worker-0").command(printAndRun("up")).build());
    awaitFinished(id("job-a", "worker-0"), new ArrayList<>());
    awaitPhase(id("job-a", "worker-1"), ReplicaPhase.RUNNING);

    runtime.release("job-a");

    assertThat(runtime.observe("job-a")).isEmpty();
    assertThat(runtime.observeAll())
        .extracting(ReplicaObservation::id)
        .doesNotContain(id("job-a", "worker-0"), id("job-a", "worker-1"))
        .contains(id("job-b", "worker-0"));
    assertThat(runtime.logs().read(id("job-a", "worker-0"), 1, 0, 1024)).isEmpty();
    assertThat(observe(id("job-b", "worker-0")).orElseThrow().phase())
        .isEqualTo(ReplicaPhase.RUNNING);
  }

  @Test
  void observeAllListsTheReplicasOfEveryJob() {
    runtime.launch(launch("job-a", "worker-0").command(printAndRun("up")).build());
    runtime.launch(launch("job-b", "worker-0").command(printAndExit("done", 0)).build());

    assertThat(runtime.observeAll())
        .extracting(ReplicaObservation::id)
        .contains(id("job-a", "worker-0"), id("job-b", "worker-0"));
    assertThat(runtime.observe("job-b"))
        .extracting(ReplicaObservation::id)
        .containsExactly(id("job-b", "worker-0"));
  }

  @Test
  void aDeclaredPortHasAnEndpointAndTheReplicaIsToldItsPort() {
    ReplicaId env = id("job-a", "env-0");
    ReplicaId expanded = id("job-a", "expanded-0");
    runtime.launch(
        launch("job-a", "env-0").port("http", 8080).command(printEnv("CAPSTAN_PORT_HTTP")).build());
    runtime.launch(
        launch("job-a", "expanded-0")
            .port("http", 8080)
            .port("grpc", 9090)
            .command(printAndExit("http=$(CAPSTAN_PORT_HTTP) grpc=$(CAPSTAN_PORT_GRPC)", 0))
            .build());

    ReplicaObservation envFinished = awaitFinished(env, new ArrayList<>());
    ReplicaObservation expandedFinished = awaitFinished(expanded, new ArrayList<>());

    assertThat(envFinished.phase()).as(logOf(env)).isEqualTo(ReplicaPhase.SUCCEEDED);
    Endpoint http = envFinished.endpoints().get("http");
    assertThat(http).isNotNull();
    assertThat(logOf(env)).contains(http.port() + "\n");
    assertThat(expandedFinished.endpoints()).containsOnlyKeys("http", "grpc");
    assertThat(logOf(expanded))
        .contains(
            "http="
                + expandedFinished.endpoints().get("http").port()
                + " grpc="
                + expandedFinished.endpoints().get("grpc").port()
                + "\n");
  }

  @Test
  void variablesInTheCommandAreExpandedAsKubernetesDoes() {
    ReplicaId id = id("job-a", "worker-0");
    runtime.launch(
        launch("job-a", "worker-0")
            .env("GREETING", "hello")
            .command(printAndExit("$(GREETING), $$(GREETING) and $(UNKNOWN)", 0))
            .build());

    awaitFinished(id, new ArrayList<>());

    assertThat(logOf(id)).contains("hello, $(GREETING) and $(UNKNOWN)\n");
  }

  @Test
  void aFileIsReadableAtItsContainerPath() {
    ReplicaId id = id("job-a", "launcher-0");
    runtime.launch(
        launch("job-a", "launcher-0")
            .file("/capstan/mpi/hostfile", "localhost slots=2\nworker-1 slots=2\n")
            .command(printFile("/capstan/mpi/hostfile"))
            .build());

    ReplicaObservation finished = awaitFinished(id, new ArrayList<>());

    assertThat(finished.phase()).as(logOf(id)).isEqualTo(ReplicaPhase.SUCCEEDED);
    assertThat(logOf(id)).contains("localhost slots=2\nworker-1 slots=2\n");
  }

  @Test
  void readinessTurnsTrueOnceTheReplicaServesTheProbeAndIsFalseOnceItEnds() {
    ReplicaId served = id("job-a", "server-0");
    ReplicaId unauthorized = id("job-a", "server-1");
    ReadinessSpec probe = ReadinessSpec.httpGet("http", "/ready").withPeriod(Duration.ofMillis(50));
    List<String> server = serveHttp("$(CAPSTAN_PORT_HTTP)", "/ready", "Bearer contract-secret");
    runtime.launch(
        launch("job-a", "server-0")
            .port("http", 8080)
            .readiness(probe.withHeader("Authorization", "Bearer contract-secret"))
            .command(server)
            .build());
    runtime.launch(
        launch("job-a", "server-1")
            .port("http", 8081)
            .readiness(probe.withHeader("Authorization", "Bearer wrong"))
            .command(server)
            .build());

    await().until(() -> observe(served).map(ReplicaObservation::ready).orElse(false));

    // Running (a pod starts when its kubelet gets to it, not when the launch returns), not ready.
    ReplicaObservation other = awaitPhase(unauthorized, ReplicaPhase.RUNNING);
    assertThat(other.ready()).as("a replica whose probe is refused").isFalse();
    runtime.terminate(served, GRACE);
    ReplicaObservation ended = awaitFinished(served, new ArrayList<>());
    assertThat(ended.ready()).isFalse();
  }

  @Test
  void theLogSourceReturnsWhatTheReplicaPrintedUntilItIsComplete() {
    ReplicaId id = id("job-a", "worker-0");
    runtime.launch(
        launch("job-a", "worker-0").command(printAndExit("hello from the replica", 0)).build());
    awaitFinished(id, new ArrayList<>());

    ByteArrayOutputStream text = new ByteArrayOutputStream();
    long offset = 0;
    LogChunk chunk;
    do {
      chunk = runtime.logs().read(id, 1, offset, 5).orElseThrow();
      assertThat(chunk.bytes().length).isLessThanOrEqualTo(5);
      text.writeBytes(chunk.bytes());
      offset = chunk.nextOffset();
    } while (!chunk.complete());

    assertThat(text.toString(StandardCharsets.UTF_8)).contains("hello from the replica\n");
    LogChunk end = runtime.logs().read(id, 1, offset, 1024).orElseThrow();
    assertThat(end.bytes()).isEmpty();
    assertThat(end.complete()).isTrue();
    assertThat(runtime.logs().read(id("nobody", "worker-0"), 1, 0, 1024)).isEmpty();
    assertThat(runtime.logs().read(id, 2, 0, 1024)).as("an attempt never launched").isEmpty();
  }

  @Test
  void aRunningReplicasLogIsNotComplete() {
    ReplicaId id = id("job-a", "worker-0");
    runtime.launch(launch("job-a", "worker-0").command(printAndRun("still going")).build());

    await().until(() -> logOf(id).contains("still going"));

    LogChunk chunk = runtime.logs().read(id, 1, 0, 1 << 20).orElseThrow();
    assertThat(chunk.complete()).isFalse();
  }

  /**
   * Reads a job volume's files through the runtime (on Kubernetes through a reader pod, decision
   * 121).
   */
  @Test
  void aJobVolumeKeepsItsFilesAcrossReleaseAndANewAttemptUntilItIsDeleted() throws IOException {
    ReplicaId id = id("job-v", "worker-0");
    Mount state = Mount.volume("state", "/capstan/state");
    runtime.launch(
        launch("job-v", "worker-0")
            .mount(state)
            .command(writeFile("/capstan/state/sub/note.txt", "kept"))
            .build());
    assertThat(awaitFinished(id, new ArrayList<>()).phase())
        .as(logOf(id))
        .isEqualTo(ReplicaPhase.SUCCEEDED);

    runtime.release("job-v");

    assertThat(runtime.volumes().list("job-v", "state"))
        .containsExactly(new VolumeFile("sub/note.txt", 4, true));
    assertThat(read("job-v", "state", "sub/note.txt")).isEqualTo("kept");
    runtime.launch(
        launch("job-v", "worker-0")
            .attempt(2)
            .mount(state)
            .command(printFile("/capstan/state/sub/note.txt"))
            .build());
    assertThat(awaitFinished(id, new ArrayList<>()).phase())
        .as(logOf(id))
        .isEqualTo(ReplicaPhase.SUCCEEDED);
    assertThat(logOf(id)).contains("kept");
    assertThat(runtime.volumes().list("job-w", "state")).as("another job's volume").isEmpty();

    runtime.release("job-v");
    runtime.volumes().delete("job-v");

    assertThat(runtime.volumes().list("job-v", "state")).isEmpty();
    assertThatThrownBy(() -> runtime.volumes().open("job-v", "state", "sub/note.txt"))
        .isInstanceOf(NoSuchElementException.class);
    assertThatCode(() -> runtime.volumes().delete("job-v")).doesNotThrowAnyException();
  }

  @Test
  void aProjectVolumeIsListedForItsProjectOnlyUntilDeleted() {
    ReplicaId id = id("job-p", "worker-0");
    runtime.launch(
        launch("job-p", "worker-0")
            .mount(new Mount(new MountSource.ProjectVolume("datasets", null), "/data", false))
            .command(printAndExit("mounted", 0))
            .build());
    assertThat(awaitFinished(id, new ArrayList<>()).phase())
        .as(logOf(id))
        .isEqualTo(ReplicaPhase.SUCCEEDED);
    runtime.release("job-p");

    String project = launch("job-p", "worker-0").command(printAndExit("x", 0)).build().tenant();
    assertThat(runtime.projectVolumes().list(project))
        .extracting(ProjectVolumes.Usage::claim)
        .containsExactly("datasets");
    assertThat(runtime.projectVolumes().list("another-project")).isEmpty();
    assertThat(runtime.projectVolumes().delete("another-project", "datasets")).isFalse();
    assertThat(runtime.projectVolumes().delete(project, "datasets")).isTrue();
    assertThat(runtime.projectVolumes().list(project)).isEmpty();
    assertThat(runtime.projectVolumes().delete(project, "datasets")).isFalse();
  }

  @Test
  void theReplicasOfAJobShareItsVolumeAndOpeningAMissingFileFails() {
    Mount output = Mount.volume("output", "/capstan/output");
    runtime.launch(
        launch("job-v", "worker-0")
            .mount(output)
            .command(writeFile("/capstan/output/a", "0"))
            .build());
    runtime.launch(
        launch("job-v", "worker-1")
            .mount(output)
            .command(writeFile("/capstan/output/b", "11"))
            .build());
    awaitFinished(id("job-v", "worker-0"), new ArrayList<>());
    awaitFinished(id("job-v", "worker-1"), new ArrayList<>());

    assertThat(runtime.volumes().list("job-v", "output"))
        .containsExactly(new VolumeFile("a", 1, true), new VolumeFile("b", 2, true));
    assertThatThrownBy(() -> runtime.volumes().open("job-v", "output", "c"))
        .isInstanceOf(NoSuchElementException.class);
    assertThatThrownBy(() -> runtime.volumes().open("job-v", "output", "../output/a"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(runtime.volumes().list("nobody", "output")).isEmpty();
  }

  /**
   * Protected so that a runtime that refuses artifact mounts (Kubernetes, decision 87) replaces it
   * with a test of the refusal.
   */
  @Test
  protected void anArtifactIsReadableAtItsContainerPath() {
    artifacts.put("models/churn/1.onnx", "weights of churn\n".getBytes(StandardCharsets.UTF_8));
    ReplicaId id = id("job-a", "server-0");
    runtime.launch(
        launch("job-a", "server-0")
            .mount(Mount.artifact("models/churn/1.onnx", "/capstan/model/model.onnx"))
            .command(printFile("/capstan/model/model.onnx"))
            .build());

    ReplicaObservation finished = awaitFinished(id, new ArrayList<>());

    assertThat(finished.phase()).as(logOf(id)).isEqualTo(ReplicaPhase.SUCCEEDED);
    assertThat(logOf(id)).contains("weights of churn\n");
  }

  /** The whole file of a job's volume, as UTF-8. */
  protected String read(String jobUid, String volume, String path) throws IOException {
    try (InputStream in = runtime.volumes().open(jobUid, volume, path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  protected static ReplicaId id(String jobUid, String replica) {
    return new ReplicaId(jobUid, replica);
  }

  /** The replica as the runtime sees it now. */
  protected Optional<ReplicaObservation> observe(ReplicaId id) {
    return runtime.observe(id.jobUid()).stream().filter(o -> o.id().equals(id)).findFirst();
  }

  /** Everything the log of its current attempt holds now. */
  protected String logOf(ReplicaId id) {
    int attempt = observe(id).map(ReplicaObservation::attempt).orElse(1);
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    long offset = 0;
    while (true) {
      Optional<LogChunk> chunk = runtime.logs().read(id, attempt, offset, 64 * 1024);
      if (chunk.isEmpty() || chunk.get().bytes().length == 0) {
        return text.toString(StandardCharsets.UTF_8);
      }
      text.writeBytes(chunk.get().bytes());
      offset = chunk.get().nextOffset();
    }
  }

  private ReplicaObservation awaitPhase(ReplicaId id, ReplicaPhase phase) {
    return await().until(() -> observe(id).orElse(null), o -> o != null && o.phase() == phase);
  }

  /** Waits until the replica has finished, adding each phase seen on the way to {@code seen}. */
  private ReplicaObservation awaitFinished(ReplicaId id, List<ReplicaPhase> seen) {
    return await()
        .until(
            () -> {
              ReplicaObservation o = observe(id).orElse(null);
              if (o != null) {
                seen.add(o.phase());
              }
              return o;
            },
            o -> o != null && o.phase().isFinished());
  }

  private ConditionFactory await() {
    return org.awaitility.Awaitility.await()
        .atMost(timeout())
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(20));
  }
}
