package io.capstan.runtime.local;

import static io.capstan.runtime.local.ReplicaFixture.replica;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.runtime.Endpoint;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.runtime.ReplicaPhase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local runtime without a sandbox: process groups, signals, exits, re-adoption, images. */
class LocalRuntimeTest {
  @TempDir Path dir;
  private final List<LocalRuntime> runtimes = new ArrayList<>();
  private LocalRuntime runtime;

  @BeforeAll
  static void pollOften() {
    Awaitility.setDefaultPollInterval(Duration.ofMillis(20));
    Awaitility.setDefaultTimeout(Duration.ofSeconds(20));
  }

  @BeforeEach
  void setUp() {
    runtime = open(config());
  }

  @AfterEach
  void tearDown() {
    // Kill whatever a failed test left running, then stop the runtimes.
    LocalRuntime cleaner = open(config());
    cleaner.observeAll().stream().map(o -> o.id().jobUid()).distinct().forEach(cleaner::release);
    runtimes.forEach(LocalRuntime::close);
  }

  @Test
  void replicaThatExitsZeroSucceedsAndItsOutputIsLogged() throws IOException {
    ReplicaFixture replica =
        replica(dir, "job-a", "worker-0").sh("echo hello from $FOO; env").env("FOO", "capstan");

    runtime.launch(replica.build());

    ReplicaObservation finished = awaitFinished(replica.id());
    assertThat(finished.phase()).isEqualTo(ReplicaPhase.SUCCEEDED);
    assertThat(finished.exitCode()).isZero();
    assertThat(finished.attempt()).isEqualTo(1);
    assertThat(finished.startedAt()).isNotNull();
    assertThat(finished.finishedAt()).isAfterOrEqualTo(finished.startedAt());
    String log = replica.log(runtime);
    assertThat(log)
        .startsWith("--- capstan: worker-0 attempt 1 started at ")
        .contains("hello from capstan", "CUDA_VISIBLE_DEVICES=\n", "PATH=");
    assertThat(replica.workDir()).isDirectory();
  }

  @Test
  void replicaThatExitsNonZeroFailsWithItsCode() {
    ReplicaFixture replica = replica(dir, "job-a", "worker-0").sh("exit 3");

    runtime.launch(replica.build());

    ReplicaObservation finished = awaitFinished(replica.id());
    assertThat(finished.phase()).isEqualTo(ReplicaPhase.FAILED);
    assertThat(finished.exitCode()).isEqualTo(3);
    assertThat(finished.message()).isEqualTo("exited with code 3");
  }

  @Test
  void commandKilledBySignalFailsWith128PlusSignal() {
    ReplicaFixture replica = replica(dir, "job-a", "worker-0").command("sleep", "30");
    runtime.launch(replica.build());
    long child = awaitPid(stateFile(replica.id(), "child.pid"));

    ProcessHandle.of(child).orElseThrow().destroyForcibly();

    ReplicaObservation finished = awaitFinished(replica.id());
    assertThat(finished.phase()).isEqualTo(ReplicaPhase.FAILED);
    assertThat(finished.exitCode()).isEqualTo(137);
    assertThat(finished.message()).isEqualTo("killed by signal 9 (SIGKILL)");
  }

  @Test
  void terminateStopsTheWholeProcessGroup() throws IOException {
    ReplicaFixture replica =
        replica(dir, "job-a", "worker-0").sh("sleep 300 & echo $! > grandchild.pid; wait");
    runtime.launch(replica.build());
    long grandchild = awaitPid(replica.workDir().resolve("grandchild.pid"));
    long supervisor = Long.parseLong(Files.readString(stateFile(replica.id(), "pid")).trim());
    assertThat(ProcStat.read(supervisor).orElseThrow().pgid()).isEqualTo(supervisor);
    assertThat(ProcStat.read(grandchild).orElseThrow().pgid()).isEqualTo(supervisor);
    assertThat(runtime.observe("job-a"))
        .extracting(ReplicaObservation::phase)
        .containsExactly(ReplicaPhase.RUNNING);

    runtime.terminate(replica.id(), Duration.ofSeconds(20));

    ReplicaObservation finished = awaitFinished(replica.id());
    assertThat(finished.phase()).isEqualTo(ReplicaPhase.FAILED);
    assertThat(finished.exitCode()).isEqualTo(143);
    assertThat(finished.message()).isEqualTo("killed by signal 15 (SIGTERM)");
    await().until(() -> isGone(grandchild));
  }

  @Test
  void terminateRightAfterLaunchRecordsTheExit() {
    ReplicaFixture replica = replica(dir, "job-a", "worker-0").command("sleep", "30");

    runtime.launch(replica.build());
    runtime.terminate(replica.id(), Duration.ofSeconds(20));

    ReplicaObservation finished = awaitFinished(replica.id());
    assertThat(finished.phase()).isEqualTo(ReplicaPhase.FAILED);
    assertThat(finished.exitCode()).isEqualTo(143);
  }

  @Test
  void terminateKillsAGroupThatIgnoresSigtermAfterTheGrace() {
    ReplicaFixture replica =
        replica(dir, "job-a", "worker-0")
            .sh("trap '' TERM; sleep 300 & echo $! > grandchild.pid; wait");
    runtime.launch(replica.build());
    long grandchild = awaitPid(replica.workDir().resolve("grandchild.pid"));

    runtime.terminate(replica.id(), Duration.ofMillis(300));

    ReplicaObservation finished = awaitFinished(replica.id());
    assertThat(finished.phase()).isEqualTo(ReplicaPhase.FAILED);
    assertThat(finished.exitCode()).isEqualTo(137);
    assertThat(finished.message()).startsWith("killed by signal 9 (SIGKILL)");
    await().until(() -> isGone(grandchild));
  }

  @Test
  void theGracePeriodOfAnEarlierAttemptNeverKillsTheNextAttempt() {
    ReplicaFixture replica = replica(dir, "job-a", "worker-0").command("sleep", "30");
    runtime.launch(replica.build());
    awaitPid(stateFile(replica.id(), "child.pid"));
    runtime.terminate(replica.id(), Duration.ofMillis(800));
    awaitFinished(replica.id());

    runtime.launch(replica.attempt(2).sh("sleep 2; echo survived").build());

    ReplicaObservation second = awaitFinished(replica.id());
    assertThat(second.attempt()).isEqualTo(2);
    assertThat(second.phase()).as(second.message()).isEqualTo(ReplicaPhase.SUCCEEDED);
  }

  @Test
  void aNewRuntimeOverTheSameStateReadoptsRunningReplicas() {
    ReplicaFixture replica = replica(dir, "job-a", "worker-0").command("sleep", "30");
    runtime.launch(replica.build());
    awaitPid(stateFile(replica.id(), "child.pid"));
    runtime.close();

    LocalRuntime restarted = open(config());

    assertThat(restarted.observeAll())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.id()).isEqualTo(replica.id());
              assertThat(o.phase()).isEqualTo(ReplicaPhase.RUNNING);
              assertThat(o.attempt()).isEqualTo(1);
              assertThat(o.startedAt()).isNotNull();
            });
    restarted.terminate(replica.id(), Duration.ofSeconds(20));
    ReplicaObservation finished = awaitFinished(restarted, replica.id());
    assertThat(finished.exitCode()).isEqualTo(143);
  }

  @Test
  void supervisorKilledAloneMakesTheReplicaLost() throws IOException {
    ReplicaFixture replica = replica(dir, "job-a", "worker-0").command("sleep", "30");
    runtime.launch(replica.build());
    long child = awaitPid(stateFile(replica.id(), "child.pid"));
    long supervisor = Long.parseLong(Files.readString(stateFile(replica.id(), "pid")).trim());

    ProcessHandle.of(supervisor).orElseThrow().destroyForcibly();

    ReplicaObservation lost = awaitFinished(replica.id());
    assertThat(lost.phase()).isEqualTo(ReplicaPhase.LOST);
    assertThat(lost.message()).contains("pid " + supervisor, "without one");
    ProcessHandle.of(child).ifPresent(ProcessHandle::destroyForcibly);
  }

  @Test
  void launchIsIdempotentPerAttemptAndRefusesANewAttemptWhileRunning() throws IOException {
    ReplicaFixture replica = replica(dir, "job-a", "worker-0").command("sleep", "30");
    runtime.launch(replica.build());
    String pid = Files.readString(stateFile(replica.id(), "pid"));

    runtime.launch(replica.build());

    assertThat(Files.readString(stateFile(replica.id(), "pid"))).isEqualTo(pid);
    assertThatThrownBy(() -> runtime.launch(replica.attempt(2).build()))
        .isInstanceOfSatisfying(
            CapstanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_STATE))
        .hasMessageContaining("attempt 1 to have exited before attempt 2")
        .hasMessageContaining("still running");

    runtime.terminate(replica.id(), Duration.ZERO);
    awaitFinished(replica.id());
    runtime.launch(replica.attempt(2).sh("echo second").build());

    ReplicaObservation second = awaitFinished(replica.id());
    assertThat(second.attempt()).isEqualTo(2);
    assertThat(second.phase()).isEqualTo(ReplicaPhase.SUCCEEDED);
    assertThat(replica.log(runtime))
        .as("a new attempt's log is its own")
        .startsWith("--- capstan: worker-0 attempt 2 started")
        .contains("second")
        .doesNotContain("attempt 1");
  }

  @Test
  void aShellCommandsPythonIsTheEnvironmentsInterpreter() throws IOException {
    Path interpreter = Path.of("/usr/bin/python3").toRealPath();
    runtime =
        open(
            config()
                .withEnvironments(
                    Map.of(
                        "capstan/pytorch:*",
                        new Environment(Map.of(), "/usr/bin/python3", Map.of()))));
    ReplicaFixture replica =
        replica(dir, "job-p", "worker-0")
            .image("capstan/pytorch:1.13")
            .sh(
                "python -c 'import os, sys;"
                    + " print(\"python is\", os.path.realpath(sys.executable))'");

    runtime.launch(replica.build());

    ReplicaObservation finished = awaitFinished(replica.id());
    String log = replica.log(runtime);
    assertThat(finished.phase()).as(log).isEqualTo(ReplicaPhase.SUCCEEDED);
    assertThat(log).contains("python is " + interpreter);
  }

  @Test
  void imageEnvironmentReplacesPythonAndMapsMountedPaths() throws IOException {
    Path examples = Files.createDirectories(dir.resolve("host-examples"));
    Files.writeString(
        examples.resolve("show.py"),
        "import os, sys\nprint('exe', sys.executable)\nprint('args', sys.argv[1:])\n"
            + "print('data', os.environ['DATA_DIR'])\nprint('flavor', os.environ['FLAVOR'])\n");
    Environment pytorch =
        new Environment(
            Map.of("/examples", examples), "/usr/bin/python3", Map.of("FLAVOR", "torch"));
    runtime = open(config().withEnvironments(Map.of("capstan/pytorch:*", pytorch)));
    ReplicaFixture replica =
        replica(dir, "job-a", "worker-0")
            .image("capstan/pytorch:1.13")
            .command("python", "/examples/show.py", "--out=/examples/out", "/examplesnot")
            .env("DATA_DIR", "/examples/data");

    runtime.launch(replica.build());

    assertThat(awaitFinished(replica.id()).phase()).isEqualTo(ReplicaPhase.SUCCEEDED);
    assertThat(replica.log(runtime))
        .contains(
            "exe /usr/bin/python3",
            "args ['--out=" + examples + "/out', '/examplesnot']",
            "data " + examples + "/data",
            "flavor torch");
    ReplicaFixture unknown = replica(dir, "job-b", "worker-0").image("someone/else:2");
    assertThatThrownBy(() -> runtime.launch(unknown.build()))
        .isInstanceOfSatisfying(
            CapstanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SPEC))
        .hasMessageContaining("'someone/else:2'");
    assertThat(runtime.observe("job-b")).isEmpty();
  }

  @Test
  void mpirunStartsItsRanksHereWithTheImagesInterpreter() throws IOException {
    Path examples = Files.createDirectories(dir.resolve("host-examples"));
    Files.writeString(
        examples.resolve("rank.py"),
        "import os, sys\nprint('rank', os.environ['OMPI_COMM_WORLD_RANK'], 'of',"
            + " os.environ['OMPI_COMM_WORLD_SIZE'], sys.executable)\n");
    Path hostfile = Files.writeString(dir.resolve("hostfile"), "localhost slots=2\n");
    Environment image =
        new Environment(Map.of("/examples", examples), "/usr/bin/python3", Map.of());
    runtime = open(config().withEnvironments(Map.of("mpi/*", image)));
    ReplicaFixture launcher =
        replica(dir, "job-a", "launcher-0")
            .image("mpi/pi")
            .command("mpirun", "-n", "2", "python3", "/examples/rank.py")
            .env("OMPI_MCA_orte_default_hostfile", hostfile.toString());

    runtime.launch(launcher.build());

    ReplicaObservation finished = awaitFinished(launcher.id());
    String log = launcher.log(runtime);
    assertThat(finished.phase()).as(log).isEqualTo(ReplicaPhase.SUCCEEDED);
    assertThat(log).contains("rank 0 of 2 /usr/bin/python3", "rank 1 of 2 /usr/bin/python3");
  }

  @Test
  void mpirunReachingForAnotherHostFailsSayingWhy() throws IOException {
    ReplicaFixture launcher =
        replica(dir, "job-a", "launcher-0").command("mpirun", "-H", "worker-1", "-n", "1", "true");

    runtime.launch(launcher.build());

    ReplicaObservation finished = awaitFinished(launcher.id());
    assertThat(finished.phase()).isEqualTo(ReplicaPhase.FAILED);
    assertThat(launcher.log(runtime))
        .contains(
            "capstan: mpirun tried to start processes on host 'worker-1'; Capstan's local runtime"
                + " runs every MPI rank on this machine");
  }

  @Test
  void configuredGpusAreListedAndAssignedThroughCudaVisibleDevices() throws IOException {
    runtime = open(config().withGpus("0,1"));
    ReplicaFixture replica = replica(dir, "job-a", "worker-0").sh("env").gpus(0, 1);

    runtime.launch(replica.build());

    assertThat(runtime.nodes())
        .singleElement()
        .satisfies(
            node -> {
              assertThat(node.capacity().gpus()).isEqualTo(2);
              assertThat(node.gpus()).extracting(g -> g.index()).containsExactly(0, 1);
              assertThat(node.labels()).containsKey("capstan.io/gpu-model");
            });
    assertThat(awaitFinished(replica.id()).phase()).isEqualTo(ReplicaPhase.SUCCEEDED);
    assertThat(replica.log(runtime)).contains("CUDA_VISIBLE_DEVICES=0,1\n");
  }

  @Test
  void releaseStopsAndForgetsAJob() {
    ReplicaFixture running = replica(dir, "job-a", "worker-0").command("sleep", "30");
    ReplicaFixture done = replica(dir, "job-a", "worker-1").sh("exit 0");
    ReplicaFixture other = replica(dir, "job-b", "worker-0").sh("exit 0");
    runtime.launch(running.build());
    runtime.launch(done.build());
    runtime.launch(other.build());
    awaitFinished(done.id());
    long child = awaitPid(stateFile(running.id(), "child.pid"));

    runtime.release("job-a");

    assertThat(runtime.observe("job-a")).isEmpty();
    assertThat(runtime.observeAll()).extracting(ReplicaObservation::id).containsExactly(other.id());
    assertThat(stateFile(running.id(), "pid")).doesNotExist();
    await().until(() -> isGone(child));
  }

  @Test
  void endpointsAreLoopbackPortsNeverHandedOutTwice() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      names.add("worker-" + i);
    }

    List<Endpoint> first = runtime.reserveEndpoints("job-a", names);
    List<Endpoint> second = runtime.reserveEndpoints("job-b", names);

    assertThat(first).hasSize(40).allSatisfy(e -> assertThat(e.host()).isEqualTo("127.0.0.1"));
    Set<Integer> ports = new HashSet<>();
    first.forEach(e -> ports.add(e.port()));
    second.forEach(e -> ports.add(e.port()));
    assertThat(ports).hasSize(80);
  }

  /** The unsandboxed runtime (--trust-all-jobs); {@link SandboxedRuntimeTest} covers the other. */
  private LocalRuntimeConfig config() {
    return LocalRuntimeConfig.defaults(dir.resolve("state"))
        .withGpus("none")
        .withSandbox(SandboxConfig.none());
  }

  private LocalRuntime open(LocalRuntimeConfig config) {
    LocalRuntime opened = new LocalRuntime(config);
    runtimes.add(opened);
    return opened;
  }

  private Path stateFile(ReplicaId id, String name) {
    return dir.resolve("state").resolve("replicas").resolve(id.key()).resolve(name);
  }

  private ReplicaObservation awaitFinished(ReplicaId id) {
    return awaitFinished(runtime, id);
  }

  static ReplicaObservation awaitFinished(LocalRuntime runtime, ReplicaId id) {
    return await()
        .until(
            () ->
                runtime.observe(id.jobUid()).stream()
                    .filter(o -> o.id().equals(id))
                    .findFirst()
                    .orElse(null),
            o -> o != null && o.phase().isFinished());
  }

  static long awaitPid(Path file) {
    return await()
        .until(
            () -> Files.exists(file) ? Files.readString(file).trim() : "",
            s -> s.matches("\\d+") && !s.isEmpty())
        .transform(Long::parseLong);
  }

  static boolean isGone(long pid) {
    return ProcStat.read(pid).map(s -> !s.isLive()).orElse(true);
  }
}
