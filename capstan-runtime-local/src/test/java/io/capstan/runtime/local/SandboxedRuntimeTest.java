package io.capstan.runtime.local;

import static io.capstan.runtime.local.LocalRuntimeTest.awaitFinished;
import static io.capstan.runtime.local.ReplicaFixture.replica;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.capstan.runtime.MetricFile;
import io.capstan.runtime.MetricFiles;
import io.capstan.runtime.Mount;
import io.capstan.runtime.MountSource;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.runtime.ReplicaPhase;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local runtime's default: each replica in a bubblewrap sandbox, as its project's user. */
class SandboxedRuntimeTest {
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
    LocalRuntime cleaner = open(config());
    cleaner.observeAll().stream().map(o -> o.id().jobUid()).distinct().forEach(cleaner::release);
    runtimes.forEach(LocalRuntime::close);
  }

  @Test
  void aReplicaRunsAsItsProjectsUserInItsWorkDirectoryWithoutPrivileges() throws IOException {
    ReplicaFixture replica =
        replica(dir, "job-a", "worker-0")
            .tenant("vision")
            .sh(
                "echo uid=$(id -u) user=$(id -un) home=$HOME cwd=$(pwd);"
                    + " grep -E '^(CapEff|CapBnd|NoNewPrivs)' /proc/self/status;"
                    // $$$$: a command's $$ is a literal $ since $(VAR) expansion (decision 64).
                    + " echo pid=$$$$ procs=$(ls /proc | grep -c '^[0-9]');"
                    + " echo written > here.txt; touch /usr/evil 2>/dev/null || echo host-read-only");

    runtime.launch(replica.build());

    ReplicaObservation finished = awaitFinished(runtime, replica.id());
    String log = replica.log(runtime);
    assertThat(finished.phase()).as(log).isEqualTo(ReplicaPhase.SUCCEEDED);
    assertThat(log)
        .contains(
            "home=/capstan/work cwd=/capstan/work",
            "CapEff:\t0000000000000000",
            "NoNewPrivs:\t1",
            "host-read-only")
        .doesNotContain("uid=0 ");
    if (runsAsRoot()) {
      assertThat(log)
          .contains(
              "uid=" + SandboxConfig.DEFAULT_FIRST_UID + " user=capstan",
              "CapBnd:\t0000000000000000");
    }
    // pid 1 is the sandbox's init, pid 2 the command: nothing else of the host is visible.
    assertThat(log).containsPattern("pid=2 procs=[2-7]\\n");
    assertThat(Files.readString(replica.workDir().resolve("here.txt"))).isEqualTo("written\n");
  }

  @Test
  void aReplicaWritesItsMetricFilesWithTheShippedHelperAndTheRuntimeReadsThemBack() {
    ReplicaFixture replica =
        replica(dir, "job-m", "worker-0")
            .tenant("vision")
            .runtimesWorkDir()
            .env("PYTHONPATH", "/opt/own")
            .command(
                "python3",
                "-c",
                "import os, sys; from capstan_metrics import report, progress;"
                    + " report(step=1, loss=0.5); progress(percent=50, eta_seconds=10);"
                    + " d = os.environ['CAPSTAN_TENSORBOARD_DIR'];"
                    + " open(d + '/events.out.tfevents.1.host', 'wb').write(b'abc');"
                    + " os.symlink('/etc/passwd', d + '/link.tfevents.2');"
                    + " print(os.environ['CAPSTAN_METRICS_FILE'], os.environ['PYTHONPATH'])");

    runtime.launch(replica.build());

    ReplicaObservation finished = awaitFinished(runtime, replica.id());
    String log = replica.log(runtime);
    assertThat(finished.phase()).as(log).isEqualTo(ReplicaPhase.SUCCEEDED);
    assertThat(log)
        .contains("/capstan/work/capstan-metrics.jsonl /opt/own:" + PythonLibrary.CONTAINER_PATH);
    MetricFiles files = runtime.metricFiles().orElseThrow();
    assertThat(files.list(replica.id()))
        .extracting(MetricFile::path, MetricFile::format)
        .containsExactly(
            tuple("capstan-metrics.jsonl", MetricFile.Format.JSON_LINES),
            tuple("tensorboard/events.out.tfevents.1.host", MetricFile.Format.TF_EVENTS));
    String lines =
        new String(
            files.read(replica.id(), "capstan-metrics.jsonl", 0, 4096), StandardCharsets.UTF_8);
    assertThat(lines)
        .startsWith("{\"step\":1,\"loss\":0.5,\"timestamp\":")
        .contains("\n{\"progress\":{\"percent\":50.0,\"eta_seconds\":10.0},");
    assertThat(files.read(replica.id(), "tensorboard/events.out.tfevents.1.host", 1, 10))
        .isEqualTo("bc".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> files.read(replica.id(), "tensorboard/link.tfevents.2", 0, 10))
        .isInstanceOf(NoSuchElementException.class);
    runtime.release("job-m");
    assertThat(files.list(replica.id())).as("kept until the job's volumes go").hasSize(2);
  }

  @Test
  void aKatibCollectorsFolderIsWritableAtItsPathAndListedUnderCollector() {
    ReplicaFixture replica =
        replica(dir, "job-k", "worker-0")
            .tenant("vision")
            .runtimesWorkDir()
            .mount(
                new Mount(
                    new MountSource.Scratch(MetricFiles.COLLECTOR_VOLUME, null),
                    "/var/log/katib",
                    false))
            .sh(
                "echo loss=0.5 > /var/log/katib/metrics.log"
                    + " && mkdir /var/log/katib/run"
                    + " && printf abc > /var/log/katib/run/events.out.tfevents.1.host"
                    + " && ln -s /etc/passwd /var/log/katib/passwd.log");

    runtime.launch(replica.build());

    ReplicaObservation finished = awaitFinished(runtime, replica.id());
    assertThat(finished.phase()).as(replica.log(runtime)).isEqualTo(ReplicaPhase.SUCCEEDED);
    MetricFiles files = runtime.metricFiles().orElseThrow();
    assertThat(files.list(replica.id()))
        .extracting(MetricFile::path, MetricFile::format)
        .containsExactly(
            tuple("collector/metrics.log", MetricFile.Format.LINES),
            tuple("collector/run/events.out.tfevents.1.host", MetricFile.Format.TF_EVENTS));
    assertThat(files.read(replica.id(), "collector/metrics.log", 0, 100))
        .isEqualTo("loss=0.5\n".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> files.read(replica.id(), "collector/passwd.log", 0, 10))
        .isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void eachProjectGetsItsOwnUserAndKeepsIt() throws IOException {
    assumeRoot();
    ReplicaFixture a = replica(dir, "job-a", "worker-0").tenant("a").sh("id -u");
    ReplicaFixture b = replica(dir, "job-b", "worker-0").tenant("b").sh("id -u");
    runtime.launch(a.build());
    awaitFinished(runtime, a.id());
    runtime.launch(b.build());
    awaitFinished(runtime, b.id());

    LocalRuntime reopened = open(config());
    ReplicaFixture again = replica(dir, "job-c", "worker-0").tenant("a").sh("id -u");
    reopened.launch(again.build());
    awaitFinished(reopened, again.id());

    int first = SandboxConfig.DEFAULT_FIRST_UID;
    assertThat(a.log(runtime)).contains("\n" + first + "\n");
    assertThat(b.log(runtime)).contains("\n" + (first + 1) + "\n");
    assertThat(again.log(reopened)).contains("\n" + first + "\n");
  }

  @Test
  void terminateSendsSigtermToEveryProcessInTheSandboxThenRecordsTheExit() throws IOException {
    ReplicaFixture replica =
        replica(dir, "job-a", "worker-0")
            .sh("sleep 3217 & echo started > started; wait; echo never");
    runtime.launch(replica.build());
    await().until(() -> Files.exists(replica.workDir().resolve("started")));
    // The background child may not have exec'd sleep yet when the shell writes the file.
    await().until(() -> hostProcesses("sleep 3217").size() == 1);

    runtime.terminate(replica.id(), Duration.ofSeconds(20));

    ReplicaObservation finished = awaitFinished(runtime, replica.id());
    assertThat(finished.phase()).isEqualTo(ReplicaPhase.FAILED);
    assertThat(finished.exitCode()).isEqualTo(143);
    assertThat(finished.message()).isEqualTo("killed by signal 15 (SIGTERM)");
    await().until(() -> hostProcesses("sleep 3217").isEmpty());
  }

  @Test
  void terminateRightAfterLaunchRecordsTheExit() {
    ReplicaFixture replica = replica(dir, "job-a", "worker-0").command("sleep", "3218");

    runtime.launch(replica.build());
    // launch() returns once the sandbox's init traps TERM, which the supervisor records in
    // child.pid: not after giving up on waiting for it.
    assertThat(dir.resolve("state/replicas").resolve(replica.id().key()).resolve("child.pid"))
        .exists();
    runtime.terminate(replica.id(), Duration.ofSeconds(20));

    assertThat(awaitFinished(runtime, replica.id()).phase()).isEqualTo(ReplicaPhase.FAILED);
    await().until(() -> hostProcesses("sleep 3218").isEmpty());
  }

  @Test
  void aSandboxThatIgnoresSigtermIsKilledAfterTheGrace() throws IOException {
    ReplicaFixture replica =
        replica(dir, "job-a", "worker-0")
            .sh("trap '' TERM; echo ready > ready; while true; do sleep 3219; done");
    runtime.launch(replica.build());
    await().until(() -> Files.exists(replica.workDir().resolve("ready")));

    runtime.terminate(replica.id(), Duration.ofMillis(500));

    ReplicaObservation finished = awaitFinished(runtime, replica.id());
    assertThat(finished.phase()).isEqualTo(ReplicaPhase.FAILED);
    assertThat(finished.exitCode()).isEqualTo(137);
    await().until(() -> hostProcesses("sleep 3219").isEmpty());
  }

  @Test
  void aNewRuntimeReadoptsARunningSandboxAndStopsIt() throws IOException {
    ReplicaFixture replica = replica(dir, "job-a", "worker-0").sh("echo up > up; exec sleep 3220");
    runtime.launch(replica.build());
    await().until(() -> Files.exists(replica.workDir().resolve("up")));
    runtime.close();

    LocalRuntime next = open(config());
    assertThat(next.observe("job-a"))
        .extracting(ReplicaObservation::phase)
        .containsExactly(ReplicaPhase.RUNNING);
    next.terminate(replica.id(), Duration.ofSeconds(10));

    assertThat(awaitFinished(next, replica.id()).exitCode()).isEqualTo(143);
    await().until(() -> hostProcesses("sleep 3220").isEmpty());
  }

  @Test
  void mountsAndImageFoldersAppearAtTheirContainerPaths() throws IOException {
    Path code = Files.createDirectories(dir.resolve("image-code"));
    Files.writeString(code.resolve("hello.txt"), "from the image\n");
    Path checkpoints = Files.createDirectories(dir.resolve("checkpoints"));
    // A host path is never given to the project's user: the operator's permissions decide.
    Files.setPosixFilePermissions(checkpoints, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path model = Files.writeString(dir.resolve("model.onnx"), "weights\n");
    runtime =
        open(
            config()
                .withEnvironments(
                    Map.of("team/*", new Environment(Map.of("/opt/team", code), null, Map.of()))));
    ReplicaFixture replica =
        replica(dir, "job-a", "worker-0")
            .image("team/train:1")
            .mount(Mount.writable(checkpoints, "/capstan/checkpoints"))
            .mount(Mount.readOnly(model, "/capstan/model/model.onnx"))
            .env("CKPT", "/capstan/checkpoints")
            .sh(
                "cat /opt/team/hello.txt; cat /capstan/model/model.onnx;"
                    + " echo step-7 > $CKPT/step;"
                    + " (echo x > /capstan/model/model.onnx) 2>/dev/null || echo model-read-only;"
                    + " (echo x > /opt/team/hello.txt) 2>/dev/null || echo image-read-only");

    runtime.launch(replica.build());

    ReplicaObservation finished = awaitFinished(runtime, replica.id());
    String log = replica.log(runtime);
    assertThat(finished.phase()).as(log).isEqualTo(ReplicaPhase.SUCCEEDED);
    assertThat(log).contains("from the image", "weights", "model-read-only", "image-read-only");
    assertThat(Files.readString(checkpoints.resolve("step"))).isEqualTo("step-7\n");
    assertThat(Files.readString(model)).isEqualTo("weights\n");
  }

  @Test
  void podVolumesAppearAtTheirPathsAndAProjectVolumeIsItsProjectsOnly() throws IOException {
    ReplicaFixture writer =
        replica(dir, "job-a", "worker-0")
            .tenant("vision")
            .mount(new Mount(new MountSource.ProjectVolume("datasets", null), "/data", false))
            .mount(new Mount(new MountSource.Scratch("tmp", null), "/scratch", false))
            .mount(new Mount(new MountSource.Memory(64L << 20), "/dev/shm", false))
            .mount(
                new Mount(
                    new MountSource.Files(
                        Map.of("token", "s3cr3t".getBytes(StandardCharsets.UTF_8)), 0440),
                    "/etc/creds",
                    true))
            .sh(
                "echo kept > /data/shared.txt; echo s > /scratch/x && echo scratch-writable;"
                    + " echo shm=$(stat -f -c %T /dev/shm) $(df -B1 --output=size /dev/shm | tail -1);"
                    + " echo token=$(cat /etc/creds/token) mode=$(stat -c %a /etc/creds/token);"
                    + " (echo x > /etc/creds/token) 2>/dev/null || echo creds-read-only");
    runtime.launch(writer.build());
    assertThat(awaitFinished(runtime, writer.id()).phase())
        .as(writer.log(runtime))
        .isEqualTo(ReplicaPhase.SUCCEEDED);
    assertThat(writer.log(runtime))
        .contains(
            "scratch-writable",
            "shm=tmpfs " + (64L << 20),
            "token=s3cr3t mode=440",
            "creds-read-only");

    String read = "cat /data/shared.txt 2>/dev/null || echo absent";
    ReplicaFixture sameProject =
        replica(dir, "job-b", "worker-0")
            .tenant("vision")
            .mount(new Mount(new MountSource.ProjectVolume("datasets", null), "/data", true))
            .sh(read);
    ReplicaFixture otherProject =
        replica(dir, "job-c", "worker-0")
            .tenant("speech")
            .mount(new Mount(new MountSource.ProjectVolume("datasets", null), "/data", false))
            .sh(read);
    runtime.launch(sameProject.build());
    runtime.launch(otherProject.build());
    awaitFinished(runtime, sameProject.id());
    awaitFinished(runtime, otherProject.id());
    assertThat(sameProject.log(runtime)).contains("kept");
    assertThat(otherProject.log(runtime)).contains("absent").doesNotContain("kept");
  }

  @Test
  void aReplicaWithAPrivateNetworkCannotReachTheHostsPorts() throws IOException {
    try (ServerSocket server = new ServerSocket(0)) {
      String probe =
          "import socket\n"
              + "try:\n"
              + "  socket.create_connection(('127.0.0.1', "
              + server.getLocalPort()
              + "), timeout=2); print('reached')\n"
              + "except OSError as e: print('unreachable', e)\n";
      ReplicaFixture isolated =
          replica(dir, "job-a", "worker-0")
              .privateNetwork()
              .command("/usr/bin/python3", "-c", probe);
      ReplicaFixture shared =
          replica(dir, "job-b", "worker-0").command("/usr/bin/python3", "-c", probe);

      runtime.launch(isolated.build());
      runtime.launch(shared.build());

      awaitFinished(runtime, isolated.id());
      awaitFinished(runtime, shared.id());
      assertThat(isolated.log(runtime)).contains("unreachable");
      assertThat(shared.log(runtime)).contains("reached");
    }
  }

  @Test
  void mpirunStartsItsRanksInsideTheSandbox() throws IOException {
    Path code = Files.createDirectories(dir.resolve("mpi-code"));
    Files.writeString(
        code.resolve("rank.py"),
        "import os\nprint('rank', os.environ['OMPI_COMM_WORLD_RANK'], 'of',"
            + " os.environ['OMPI_COMM_WORLD_SIZE'])\n");
    Path hostfile = Files.writeString(dir.resolve("hostfile"), "localhost slots=2\n");
    runtime =
        open(
            config()
                .withEnvironments(
                    Map.of("mpi/*", new Environment(Map.of("/examples", code), null, Map.of()))));
    ReplicaFixture launcher =
        replica(dir, "job-a", "launcher-0")
            .image("mpi/pi")
            .mount(Mount.readOnly(hostfile, "/capstan/mpi/hostfile"))
            .env("OMPI_MCA_orte_default_hostfile", "/capstan/mpi/hostfile")
            .command("mpirun", "-n", "2", "python3", "/examples/rank.py");

    runtime.launch(launcher.build());

    ReplicaObservation finished = awaitFinished(runtime, launcher.id());
    String log = launcher.log(runtime);
    assertThat(finished.phase()).as(log).isEqualTo(ReplicaPhase.SUCCEEDED);
    assertThat(log).contains("rank 0 of 2", "rank 1 of 2");
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

    ReplicaObservation finished = awaitFinished(runtime, replica.id());
    String log = replica.log(runtime);
    assertThat(finished.phase()).as(log).isEqualTo(ReplicaPhase.SUCCEEDED);
    assertThat(log).contains("python is " + interpreter);
  }

  @Test
  void onlyTheAssignedGpusDeviceNodesAreBound() throws IOException {
    Path dev = Files.createDirectories(dir.resolve("dev"));
    for (String node : List.of("nvidia0", "nvidia1", "nvidia2", "nvidia3", "nvidiactl")) {
      Files.writeString(dev.resolve(node), "");
    }

    assertThat(Bubblewrap.devices(dev, List.of(1, 3)))
        .containsExactly("/dev/nvidia1", "/dev/nvidia3", "/dev/nvidiactl");
    assertThat(Bubblewrap.devices(dev, List.of())).isEmpty();
  }

  private LocalRuntimeConfig config() {
    return LocalRuntimeConfig.defaults(dir.resolve("state")).withGpus("none");
  }

  private LocalRuntime open(LocalRuntimeConfig config) {
    LocalRuntime opened = new LocalRuntime(config);
    runtimes.add(opened);
    return opened;
  }

  /** Host pids of the processes that run exactly {@code command} (e.g. {@code sleep 3217}). */
  static List<Long> hostProcesses(String command) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(line -> line.endsWith(command)).orElse(false))
        .filter(p -> p.info().arguments().map(a -> a.length == 1).orElse(false))
        .map(ProcessHandle::pid)
        .toList();
  }

  static boolean runsAsRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static void assumeRoot() {
    org.assertj.core.api.Assumptions.assumeThat(runsAsRoot())
        .as("per-project uids need a root runtime")
        .isTrue();
  }
}
