package io.capstan.runtime.local;

import static io.capstan.runtime.local.LocalRuntimeTest.awaitFinished;
import static io.capstan.runtime.local.ReplicaFixture.replica;
import static io.capstan.runtime.local.SandboxedRuntimeTest.hostProcesses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.runtime.Mount;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.runtime.ReplicaPhase;
import io.capstan.runtime.VolumeFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A hostile replica of project B tries every documented escape route towards project A and the
 * server: each attempt must be refused or see nothing. The data directory lies under {@code
 * target/}, a path every user may read on the host, so what protects it is the sandbox alone.
 */
class SandboxEscapeTest {
  private static final List<String> ROUTES =
      List.of(
          "read-admin-token",
          "read-database",
          "list-data-dir",
          "read-a-checkpoint",
          "write-a-checkpoint",
          "read-a-work-file",
          "read-a-volume",
          "write-a-volume",
          "list-volumes",
          "read-a-log",
          "read-supervisor",
          "write-supervisor",
          "read-tenant-uids",
          "read-a-environ",
          "see-a-process",
          "signal-a",
          "read-server-home",
          "write-host",
          "signal-everyone");

  private Path data;
  private LocalRuntime runtime;

  @BeforeAll
  static void pollOften() {
    Awaitility.setDefaultPollInterval(Duration.ofMillis(20));
    Awaitility.setDefaultTimeout(Duration.ofSeconds(30));
  }

  @BeforeEach
  void setUp() throws IOException {
    data =
        Files.createDirectories(Path.of("target", "escape-" + System.nanoTime())).toAbsolutePath();
    Files.writeString(data.resolve("admin.token"), "admin-secret-token\n");
    Files.setPosixFilePermissions(
        data.resolve("admin.token"), PosixFilePermissions.fromString("rw-------"));
    Files.createDirectories(data.resolve("db"));
    Files.writeString(data.resolve("db").resolve("capstan.mv.db"), "database rows\n");
    runtime =
        new LocalRuntime(
            LocalRuntimeConfig.defaults(data.resolve("runtime"))
                .withGpus("none")
                .withSandbox(SandboxConfig.bubblewrap(List.of(data))));
  }

  @AfterEach
  void tearDown() throws IOException {
    runtime.observeAll().stream().map(o -> o.id().jobUid()).distinct().forEach(runtime::release);
    runtime.close();
    try (Stream<Path> walk = Files.walk(data)) {
      for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  @Test
  void aReplicaOfAnotherProjectCannotReachProjectAOrTheServer() throws IOException {
    Path checkpoints = Files.createDirectories(data.resolve("jobs/job-a/checkpoints"));
    Files.writeString(checkpoints.resolve("step"), "a-step-41\n");
    ReplicaFixture a =
        replica(data, "job-a", "worker-0")
            .tenant("a")
            .mount(Mount.writable(checkpoints, "/capstan/checkpoints"))
            .mount(Mount.volume("output", "/capstan/output"))
            .env("SECRET_OF_A", "topsecret-a")
            .sh(
                "echo a-was-here > mine.txt; echo a-model > /capstan/output/model.onnx;"
                    + " echo a-log-line; exec sleep 3300");
    runtime.launch(a.build());
    await().until(() -> hostProcesses("sleep 3300").size() == 1);
    long victim = hostProcesses("sleep 3300").get(0);

    ReplicaFixture b =
        replica(data, "job-b", "worker-0")
            .tenant("b")
            .env("DATA", data.toString())
            .env("STATE", data.resolve("runtime").toString())
            .env("A_WORK", a.workDir().toString())
            .env(
                "A_LOG",
                data.resolve("runtime/replicas")
                    .resolve(a.id().key())
                    .resolve(ReplicaDirectory.LOG)
                    .toString())
            .env("A_CKPT", checkpoints.toString())
            .env("A_VOLUME", data.resolve("runtime/volumes/job-a/output").toString())
            .mount(Mount.volume("output", "/capstan/output"))
            .env("A_PID", Long.toString(victim))
            .sh(ATTACK);
    runtime.launch(b.build());

    ReplicaObservation finished = awaitFinished(runtime, b.id());
    String log = b.log(runtime);
    assertThat(finished.phase()).as(log).isEqualTo(ReplicaPhase.SUCCEEDED);
    assertThat(log).as("nothing leaked").doesNotContain("LEAK");
    for (String route : ROUTES) {
      assertThat(log).contains("DENIED " + route + "\n");
    }
    assertThat(log)
        .doesNotContain("admin-secret-token", "database rows", "a-step-41", "topsecret", "a-model");
    // A is untouched: still running, its files as it left them.
    assertThat(runtime.observe("job-a"))
        .extracting(ReplicaObservation::phase)
        .containsExactly(ReplicaPhase.RUNNING);
    assertThat(Files.readString(checkpoints.resolve("step"))).isEqualTo("a-step-41\n");
    assertThat(Files.readString(a.workDir().resolve("mine.txt"))).isEqualTo("a-was-here\n");
    assertThat(runtime.volumes().list("job-a", "output"))
        .as("A's volume, as A wrote it")
        .containsExactly(new VolumeFile("model.onnx", 8, true));
    assertThat(runtime.volumes().list("job-b", "output")).as("B's own volume").isEmpty();
    assertThat(Files.readString(data.resolve("runtime").resolve(Supervisor.FILE_NAME)))
        .doesNotContain("evil");
  }

  // Each route prints DENIED when the attempt fails or finds nothing, LEAK with what it got.
  private static final String ATTACK =
      """
      trap '' TERM
      # The processes whose whole command line is A's (B's own lines merely mention it).
      a_processes() {
        for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < "$f"; echo; done | grep -x 'sleep 3300 '
      }
      attempt() {
        name=$1
        shift
        if out=$("$@" 2>/dev/null) && [ -n "$out" ]; then
          echo "LEAK $name: $out"
        else
          echo "DENIED $name"
        fi
      }
      attempt read-admin-token cat "$DATA/admin.token"
      attempt read-database cat "$DATA/db/capstan.mv.db"
      attempt list-data-dir ls -A "$DATA"
      attempt read-a-checkpoint cat "$A_CKPT/step"
      attempt write-a-checkpoint sh -c 'echo evil > "$A_CKPT/step" && echo wrote'
      attempt read-a-work-file cat "$A_WORK/mine.txt"
      attempt read-a-volume cat "$A_VOLUME/model.onnx"
      attempt write-a-volume sh -c 'echo evil > "$A_VOLUME/model.onnx" && echo wrote'
      attempt list-volumes ls -A "$STATE/volumes"
      attempt read-a-log cat "$A_LOG"
      attempt read-supervisor cat "$STATE/supervisor.sh"
      attempt write-supervisor sh -c 'echo evil >> "$STATE/supervisor.sh" && echo wrote'
      attempt read-tenant-uids cat "$STATE/tenants.properties"
      attempt read-a-environ sh -c 'grep -l topsecret-a /proc/[0-9]*/environ'
      attempt see-a-process a_processes
      attempt signal-a sh -c 'kill -s TERM "$A_PID" && echo signalled'
      attempt read-server-home ls -A /root
      attempt write-host sh -c 'echo evil > /usr/local/capstan-evil && echo wrote'
      kill -s TERM -- -1
      attempt signal-everyone a_processes
      """;
}
