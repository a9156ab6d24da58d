package io.capstan.runtime.testing;

import static io.capstan.runtime.testing.InMemoryProgram.program;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.job.Resources;
import io.capstan.runtime.Endpoint;
import io.capstan.runtime.ReadinessSpec;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaLaunch;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.runtime.ReplicaPhase;
import io.capstan.runtime.testing.InMemoryRuntime.Termination;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scripts a controller test writes against the in-memory runtime. */
class InMemoryRuntimeTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private final InMemoryRuntime runtime = new InMemoryRuntime(Clock.fixed(T0, ZoneOffset.UTC));

  private static ReplicaLaunch.Builder launch(String replica) {
    return ReplicaLaunch.builder(new ReplicaId("job-1", replica))
        .image("capstan/train:1")
        .command("python", "train.py")
        .resources(Resources.NONE)
        .workDir(Path.of("/work", replica))
        .tenant("vision");
  }

  private ReplicaObservation observe(String replica) {
    return runtime.observe("job-1").stream()
        .filter(o -> o.id().replica().equals(replica))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aScriptedExitShowsAtTheNextObservation() {
    runtime.launch(launch("worker-0").build());
    runtime.launch(launch("worker-1").build());
    assertThat(runtime.observe("job-1"))
        .extracting(ReplicaObservation::phase)
        .containsExactly(ReplicaPhase.RUNNING, ReplicaPhase.RUNNING);

    runtime.replica("job-1", "worker-1").exits(137);

    ReplicaObservation failed = observe("worker-1");
    assertThat(failed.phase()).isEqualTo(ReplicaPhase.FAILED);
    assertThat(failed.exitCode()).isEqualTo(137);
    assertThat(failed.message()).isEqualTo("killed by signal 9 (SIGKILL)");
    assertThat(failed.startedAt()).isEqualTo(T0);
    assertThat(failed.finishedAt()).isEqualTo(T0);
    assertThat(observe("worker-0").phase()).isEqualTo(ReplicaPhase.RUNNING);
    assertThatThrownBy(() -> runtime.replica("job-1", "worker-1").exits(0))
        .hasMessage(
            "Expected replica job-1.worker-1 to be running to exit, but it has finished with 137");
  }

  @Test
  void pendingReplicasRunWhenTheTestSaysSo() {
    runtime.startPending();
    runtime.launch(launch("worker-0").build());
    runtime.launch(launch("worker-1").build());
    assertThat(observe("worker-0").phase()).isEqualTo(ReplicaPhase.PENDING);
    assertThat(observe("worker-0").ready()).isFalse();

    runtime.replica("job-1", "worker-0").runs();
    assertThat(observe("worker-0").phase()).isEqualTo(ReplicaPhase.RUNNING);
    assertThat(observe("worker-1").phase()).isEqualTo(ReplicaPhase.PENDING);

    runtime.runAll();
    assertThat(observe("worker-1").phase()).isEqualTo(ReplicaPhase.RUNNING);
    runtime.launch(launch("worker-2").build());
    assertThat(observe("worker-2").phase()).isEqualTo(ReplicaPhase.RUNNING);
  }

  @Test
  void launchesFailAsScripted() {
    runtime.failLaunchesOf("capstan/broken:1");
    assertThatThrownBy(() -> runtime.launch(launch("worker-0").image("capstan/broken:1").build()))
        .isInstanceOf(CapstanException.class)
        .hasMessageContaining("capstan/broken:1");

    runtime.failNextLaunch(new CapstanException(ErrorCode.INTERNAL, null, "disk full"));
    assertThatThrownBy(() -> runtime.launch(launch("worker-0").build())).hasMessage("disk full");
    runtime.launch(launch("worker-0").build());

    assertThat(runtime.launches()).extracting(ReplicaLaunch::id).hasSize(1);
  }

  @Test
  void aLostAnswerThrowsAfterTheLaunchOrReleaseTookEffect() {
    runtime.loseNextAnswer(new IllegalStateException("timed out"));
    assertThatThrownBy(() -> runtime.launch(launch("worker-0").build())).hasMessage("timed out");
    assertThat(runtime.observe("job-1"))
        .extracting(o -> o.id().replica())
        .containsExactly("worker-0");
    runtime.launch(launch("worker-0").build());
    assertThat(runtime.launches()).as("the same attempt again starts nothing").hasSize(1);

    runtime.loseNextAnswer(new IllegalStateException("reset"));
    assertThatThrownBy(() -> runtime.release("job-1")).hasMessage("reset");
    assertThat(runtime.observe("job-1")).isEmpty();
    runtime.release("job-1");
    assertThat(runtime.releases()).containsExactly("job-1", "job-1");
  }

  @Test
  void terminationsAreRecordedAndEndWith143UnlessScriptedOtherwise() {
    runtime.launch(launch("worker-0").build());
    runtime.launch(launch("worker-1").build());
    runtime.launch(launch("worker-2").build());
    runtime.replica("job-1", "worker-1").ignoresTermination();
    runtime.replica("job-1", "worker-2").onTerminationExits(0);

    for (String replica : List.of("worker-0", "worker-1", "worker-2")) {
      runtime.terminate(new ReplicaId("job-1", replica), Duration.ofSeconds(30));
    }

    assertThat(observe("worker-0").exitCode()).isEqualTo(143);
    assertThat(observe("worker-1").phase()).isEqualTo(ReplicaPhase.RUNNING);
    assertThat(observe("worker-2").phase()).isEqualTo(ReplicaPhase.SUCCEEDED);
    runtime.replica("job-1", "worker-1").exits(137);
    assertThat(observe("worker-1").exitCode()).isEqualTo(137);
    assertThat(runtime.terminations())
        .extracting(Termination::id)
        .extracting(ReplicaId::replica)
        .containsExactly("worker-0", "worker-1", "worker-2");
    assertThat(runtime.terminations().get(0).grace()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void readinessFollowsTheScriptWhileTheReplicaRuns() {
    runtime.launch(
        launch("server-0")
            .port("http", 8080)
            .readiness(ReadinessSpec.httpGet("http", "/ready"))
            .build());
    assertThat(observe("server-0").ready()).isFalse();

    runtime.replica("job-1", "server-0").becomesReady();
    assertThat(observe("server-0").ready()).isTrue();
    runtime.replica("job-1", "server-0").becomesNotReady();
    assertThat(observe("server-0").ready()).isFalse();
    runtime.replica("job-1", "server-0").becomesReady().exits(0);
    assertThat(observe("server-0").ready()).isFalse();
  }

  @Test
  void portsAreReachedAtTheReplicasHostAndContainerPortAsOnKubernetes() {
    runtime.launch(
        launch("server-0")
            .port("http", 8080)
            .command("server", "--port=$(CAPSTAN_PORT_HTTP)", "$$(CAPSTAN_PORT_HTTP)")
            .build());

    assertThat(observe("server-0").endpoints())
        .containsExactly(Map.entry("http", new Endpoint("server-0.job-1", 8080)));
    ScriptedReplica server = runtime.replica("job-1", "server-0");
    assertThat(server.env()).containsEntry("CAPSTAN_PORT_HTTP", "8080");
    assertThat(server.command()).containsExactly("server", "--port=8080", "$(CAPSTAN_PORT_HTTP)");
    assertThat(server.launch().command()).contains("--port=$(CAPSTAN_PORT_HTTP)");
    assertThat(runtime.reserveEndpoints("job-1", List.of("worker-0")))
        .containsExactly(new Endpoint("worker-0.job-1", InMemoryRuntime.RENDEZVOUS_PORT));
  }

  @Test
  void aProgramIsSeenRunningOnceThenExits() {
    runtime.launch(launch("worker-0").command(program().print("step 1").exit(2)).build());

    assertThat(observe("worker-0").phase()).isEqualTo(ReplicaPhase.RUNNING);
    assertThat(observe("worker-0").exitCode()).isEqualTo(2);
    assertThat(
            runtime.logs().read(new ReplicaId("job-1", "worker-0"), 1, 0, 200).orElseThrow().text())
        .startsWith("--- capstan: worker-0 attempt 1 started at ")
        .endsWith(" ---\nstep 1\n");
  }

  @Test
  void aTestAppendsToTheLogAndANewAttemptStartsANewLog() {
    ReplicaId id = new ReplicaId("job-1", "worker-0");
    runtime.launch(launch("worker-0").build());
    runtime.replica(id).prints("epoch 1").exits(1);
    assertThat(runtime.logs().read(id, 1, 0, 200).orElseThrow().text()).endsWith("epoch 1\n");
    runtime.launch(launch("worker-0").attempt(2).build());
    runtime.replica(id).prints("epoch 2");

    assertThat(runtime.logs().read(id, 1, 0, 200)).isEmpty();
    assertThat(runtime.logs().read(id, 2, 0, 200).orElseThrow().text())
        .startsWith("--- capstan: worker-0 attempt 2 started at ")
        .endsWith(" ---\nepoch 2\n");
    assertThat(runtime.launchesOf("job-1"))
        .extracting(ReplicaLaunch::attempt)
        .containsExactly(1, 2);
  }

  @Test
  void relaunchingARunningReplicaUnderANewAttemptIsRefused() {
    runtime.launch(launch("worker-0").build());

    assertThatThrownBy(() -> runtime.launch(launch("worker-0").attempt(2).build()))
        .isInstanceOf(CapstanException.class)
        .hasMessage(
            "Expected replica job-1.worker-0 attempt 1 to have exited before attempt 2 is"
                + " launched, but it is still RUNNING");
  }

  @Test
  void nodesAreConfigurableAndAReleaseIsRecorded() {
    runtime.nodes(InMemoryRuntime.node("a", 2), InMemoryRuntime.node("b", 0));
    assertThat(runtime.nodes()).extracting(n -> n.capacity().gpus()).containsExactly(2, 0);

    runtime.launch(launch("worker-0").build());
    runtime.release("job-1");

    assertThat(runtime.observeAll()).isEmpty();
    assertThat(runtime.releases()).containsExactly("job-1");
    assertThatThrownBy(() -> runtime.replica("job-1", "worker-0"))
        .hasMessage(
            "Expected replica job-1.worker-0 to have been launched, but the runtime has only []");
  }
}
