package io.capstan.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** torchrun commands written for torch 2, as the host's torch 1.13 runs them. */
class TorchrunTest {
  private static final String PYTHON = "/usr/bin/python3";

  @Test
  void dashedFlagsBecomeUnderscoredAndTheScriptsOwnArgumentsAreKept() {
    List<String> command =
        Torchrun.forHost(
            List.of(
                "torchrun",
                "--nnodes=2",
                "--nproc-per-node",
                "4",
                "--rdzv-backend=c10d",
                "--rdzv-endpoint",
                "host:29400",
                "--no-python",
                "--max-restarts=3",
                "python",
                "train.py",
                "--log-dir",
                "/tmp/x"),
            PYTHON);

    assertThat(command)
        .containsExactly(
            PYTHON,
            "-m",
            "torch.distributed.run",
            "--nnodes=2",
            "--nproc_per_node",
            "4",
            "--rdzv_backend=c10d",
            "--rdzv_endpoint",
            "host:29400",
            "--no_python",
            "--max_restarts=3",
            "python",
            "train.py",
            "--log-dir",
            "/tmp/x");
  }

  @Test
  void flagsTorch2AddedThatAreMootOnOneMachineAreDropped() {
    List<String> command =
        Torchrun.forHost(
            List.of(
                "python",
                "-m",
                "torch.distributed.run",
                "--local-addr",
                "10.0.0.7",
                "--local-ranks-filter=0",
                "--logs_specs",
                "my.Specs",
                "--standalone",
                "-m",
                "trainer.main"),
            PYTHON);

    assertThat(command)
        .containsExactly(
            "python", "-m", "torch.distributed.run", "--standalone", "-m", "trainer.main");
    assertThat(
            Torchrun.dropped(
                List.of(
                    "python",
                    "-m",
                    "torch.distributed.run",
                    "--local-addr",
                    "10.0.0.7",
                    "--local-ranks-filter=0",
                    "train.py",
                    "--local-addr",
                    "kept")))
        .as("what the replica's log names, as written")
        .containsExactly("--local-addr", "10.0.0.7", "--local-ranks-filter=0");
    assertThat(Torchrun.dropped(List.of("python", "train.py", "--local-addr", "x"))).isEmpty();
  }

  @Test
  void aTorch2CommandRunsOnTheHostsTorch() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    List<String> written =
        List.of(
            "torchrun",
            "--nnodes=1",
            "--nproc-per-node=1",
            "--master-addr=127.0.0.1",
            "--master-port=" + port,
            "--local-ranks-filter=0",
            "--no-python",
            "/bin/sh",
            "-c",
            "echo rank $RANK of $WORLD_SIZE");

    Result run = run(Torchrun.forHost(written, PYTHON));

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("rank 0 of 1");
  }

  @Test
  void theShimRunsATorch2CommandThatAShellStarts(@TempDir Path bin) throws Exception {
    Path shim = bin.resolve("torchrun");
    Files.writeString(shim, Torchrun.shim(PYTHON));
    Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwxr-xr-x"));
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String line =
        "cd / && torchrun --nnodes=1 --nproc-per-node=1 --master-port="
            + port
            + " --local-ranks-filter=0 --no-python /bin/sh -c 'echo rank $RANK of $WORLD_SIZE'";

    ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", line).redirectErrorStream(true);
    // No PET_REDIRECTS here: the shim sets the default itself, as a launch's torchrun gets it.
    builder.environment().remove(Torchrun.REDIRECTS);
    builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();

    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("rank 0 of 1", "dropped: ['--local-ranks-filter=0']");
  }

  @Test
  void autoProcessesPerNodeAreTheReplicasGpusElseItsCoresAtMostNine() {
    Map<String, String> auto = Map.of("PET_NPROC_PER_NODE", "auto", "OTHER", "x");

    assertThat(Torchrun.resolveAuto(auto, 2500, 0)).containsEntry("PET_NPROC_PER_NODE", "3");
    assertThat(Torchrun.resolveAuto(auto, 0, 0)).containsEntry("PET_NPROC_PER_NODE", "1");
    assertThat(Torchrun.resolveAuto(auto, 8000, 2)).containsEntry("PET_NPROC_PER_NODE", "2");
    assertThat(Torchrun.resolveAuto(auto, 64000, 0)).containsEntry("PET_NPROC_PER_NODE", "9");
    assertThat(Torchrun.resolveAuto(auto, 64000, 0)).containsEntry("OTHER", "x");
    Map<String, String> fixed = Map.of("PET_NPROC_PER_NODE", "4");
    assertThat(Torchrun.resolveAuto(fixed, 1000, 0)).isSameAs(fixed);
  }

  private record Result(int exitCode, String output) {}

  private static Result run(List<String> command) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = new HashMap<>();
    Torchrun.addDefaults(env);
    builder.environment().putAll(env);
    Process process = builder.start();
    byte[] output = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
    return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }
}
