package io.capstan.runtime.local;

import static io.capstan.runtime.local.LocalRuntimeTest.awaitFinished;
import static io.capstan.runtime.local.ReplicaFixture.replica;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.runtime.Mount;
import io.capstan.runtime.MountSource;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.runtime.ReplicaPhase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Containers without a command run their image's entrypoint, and start in their working directory
 * (decision 83), in a sandbox at the container paths and without one at the host paths.
 */
class EntrypointAndWorkingDirTest {
  private static final String IMAGE = "kubeflow/pytorch-mnist:v1";
  private static final String CODE = "/opt/pytorch-mnist";

  @TempDir Path dir;
  private final List<LocalRuntime> runtimes = new ArrayList<>();
  private Path code;

  @BeforeAll
  static void pollOften() {
    Awaitility.setDefaultPollInterval(Duration.ofMillis(20));
    Awaitility.setDefaultTimeout(Duration.ofSeconds(30));
  }

  @AfterEach
  void tearDown() {
    runtimes.forEach(
        runtime -> {
          runtime.observeAll().stream()
              .map(o -> o.id().jobUid())
              .distinct()
              .forEach(runtime::release);
          runtime.close();
        });
  }

  @ParameterizedTest(name = "sandboxed={0}")
  @ValueSource(booleans = {true, false})
  void argsOnlyRunTheEntrypointInTheImagesWorkingDirectory(boolean sandboxed) throws IOException {
    LocalRuntime runtime = open(sandboxed, List.of("python3"), List.of("train.py", "--default"));
    ReplicaFixture replica =
        replica(dir, "job-a", "worker-0").image(IMAGE).noCommand().args("train.py", "--epochs=1");

    String log = run(runtime, replica);

    assertThat(log)
        .contains("cwd " + (sandboxed ? CODE : code.toString()))
        .contains("args ['--epochs=1']")
        .contains("python /usr/bin/python3");
  }

  @ParameterizedTest(name = "sandboxed={0}")
  @ValueSource(booleans = {true, false})
  void neitherCommandNorArgsRunTheEntrypointWithTheDefaultArgs(boolean sandboxed)
      throws IOException {
    LocalRuntime runtime = open(sandboxed, List.of("python3"), List.of("train.py", "--default"));
    ReplicaFixture replica = replica(dir, "job-a", "worker-0").image(IMAGE).noCommand();

    assertThat(run(runtime, replica)).contains("args ['--default']");
  }

  @ParameterizedTest(name = "sandboxed={0}")
  @ValueSource(booleans = {true, false})
  void aWorkingDirectoryInsideACodeFolderIsWhereTheCommandStarts(boolean sandboxed)
      throws IOException {
    LocalRuntime runtime = open(sandboxed, List.of("python3"), List.of());
    Files.createDirectories(code.resolve("src"));
    Files.copy(code.resolve("train.py"), code.resolve("src").resolve("train.py"));
    ReplicaFixture replica =
        replica(dir, "job-a", "worker-0")
            .image(IMAGE)
            .command("python3", "train.py")
            .args("--from-src")
            .workingDir(CODE + "/src");

    String log = run(runtime, replica);

    assertThat(log)
        .contains("cwd " + (sandboxed ? CODE + "/src" : code.resolve("src").toString()))
        .contains("args ['--from-src']");
    if (sandboxed) {
      assertThat(log).contains("code read-only");
      assertThat(code.resolve("src").resolve("written")).doesNotExist();
    }
  }

  @ParameterizedTest(name = "sandboxed={0}")
  @ValueSource(booleans = {true, false})
  void aWorkingDirectoryThatIsNowhereIsAnEmptyFolderOfTheReplicasOwn(boolean sandboxed)
      throws IOException {
    LocalRuntime runtime = open(sandboxed, List.of("python3"), List.of());
    ReplicaFixture replica =
        replica(dir, "job-a", "worker-0")
            .image(IMAGE)
            .sh("echo cwd $(pwd); ls -A | wc -l; echo here > made.txt && cat made.txt");

    assertThat(runIn(runtime, replica, sandboxed, "/workspace/run")).contains("here");
    assertThat(Path.of("/workspace/run/made.txt")).as("nothing written to the host").doesNotExist();
  }

  @ParameterizedTest(name = "sandboxed={0}")
  @ValueSource(booleans = {true, false})
  void aWorkingDirectoryCanBeAMemoryVolume(boolean sandboxed) throws IOException {
    LocalRuntime runtime = open(sandboxed, List.of("python3"), List.of());
    ReplicaFixture replica =
        replica(dir, "job-a", "worker-0")
            .image(IMAGE)
            .mount(new Mount(new MountSource.Memory(null), "/dev/shm", false))
            .sh("echo cwd $(pwd); echo fast > here.txt && cat here.txt");

    assertThat(runIn(runtime, replica, sandboxed, "/dev/shm")).contains("fast");
  }

  @ParameterizedTest(name = "sandboxed={0}")
  @ValueSource(booleans = {true, false})
  void aLaunchWithoutCommandOfAnImageWithoutEntrypointIsRefused(boolean sandboxed)
      throws IOException {
    LocalRuntime runtime = open(sandboxed, null, List.of());
    ReplicaFixture replica =
        replica(dir, "job-a", "worker-0").image(IMAGE).noCommand().args("train.py");

    assertThatThrownBy(() -> runtime.launch(replica.build()))
        .isInstanceOfSatisfying(
            CapstanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SPEC))
        .hasMessageContaining("'" + IMAGE + "'")
        .hasMessageContaining("no entrypoint to run its args with");
    assertThat(runtime.observe("job-a")).isEmpty();
  }

  @ParameterizedTest(name = "sandboxed={0}")
  @ValueSource(booleans = {true, false})
  void aMissingWorkingDirectoryInsideAReadOnlyCodeFolderIsRefused(boolean sandboxed)
      throws IOException {
    LocalRuntime runtime = open(sandboxed, List.of("python3"), List.of());
    ReplicaFixture replica =
        replica(dir, "job-a", "worker-0").image(IMAGE).workingDir(CODE + "/missing");

    assertThatThrownBy(() -> runtime.launch(replica.build()))
        .isInstanceOfSatisfying(
            CapstanException.class, e -> assertThat(e.field()).isEqualTo("workingDir"))
        .hasMessageContaining("'" + CODE + "/missing'")
        .hasMessageContaining("read-only folder mounted at '" + CODE + "'");
    assertThat(code.resolve("missing")).doesNotExist();
  }

  /**
   * A runtime whose image {@link #IMAGE} has its code at {@link #CODE}, working directory there,
   * and {@code entrypoint} (null: none) with {@code args}.
   */
  private LocalRuntime open(boolean sandboxed, List<String> entrypoint, List<String> args)
      throws IOException {
    code = Files.createDirectories(dir.resolve("images").resolve("mnist"));
    Files.writeString(
        code.resolve("train.py"),
        """
        import os, sys
        print('cwd', os.getcwd())
        print('args', sys.argv[1:])
        print('python', sys.executable)
        try:
            open('written', 'w').write('x')
            print('code writable')
        except OSError:
            print('code read-only')
        """);
    Environment image =
        new Environment(Map.of(CODE, code), "/usr/bin/python3", Map.of(), CODE, entrypoint, args);
    LocalRuntime runtime =
        new LocalRuntime(
            LocalRuntimeConfig.defaults(dir.resolve("state"))
                .withGpus("none")
                .withPythonInterpreter("/usr/bin/python3")
                .withSandbox(sandboxed ? SandboxConfig.bubblewrap(List.of()) : SandboxConfig.none())
                .withEnvironments(
                    Map.of("*", Environment.HOST, "kubeflow/pytorch-mnist:*", image)));
    runtimes.add(runtime);
    return runtime;
  }

  /** Runs the replica in {@code containerPath} and, in a sandbox, checks it started there. */
  private static String runIn(
      LocalRuntime runtime, ReplicaFixture replica, boolean sandboxed, String containerPath) {
    String log = run(runtime, replica.workingDir(containerPath));
    if (sandboxed) {
      assertThat(log).contains("cwd " + containerPath);
    }
    return log;
  }

  private static String run(LocalRuntime runtime, ReplicaFixture replica) {
    runtime.launch(replica.build());
    ReplicaObservation finished = awaitFinished(runtime, replica.id());
    String log = replica.log(runtime);
    assertThat(finished.phase()).as(log).isEqualTo(ReplicaPhase.SUCCEEDED);
    return log;
  }
}
