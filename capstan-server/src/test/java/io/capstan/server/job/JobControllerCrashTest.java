package io.capstan.server.job;

import static io.capstan.api.job.ReplicaRole.WORKER;
import static io.capstan.server.job.JobFixture.job;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.job.JobPhase;
import io.capstan.api.job.Resources;
import io.capstan.runtime.ReplicaLaunch;
import io.capstan.runtime.testing.InMemoryRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job controller acts on the runtime, then records in the store; these tests crash it in
 * between (the runtime acted, its answer was lost, the control plane died) and check that a new
 * controller over the same store and runtime finds out by observing and does nothing twice: no
 * second launch, no new attempt, a release repeated harmlessly.
 */
class JobControllerCrashTest {
  private static final Resources ONE_GPU = new Resources(1_000, 1L << 30, 1);

  @TempDir Path dataDir;
  private final List<String> succeeded = new ArrayList<>();
  private JobControllerHarness h;

  @BeforeEach
  void setUp() {
    h = new JobControllerHarness(dataDir, job -> succeeded.add(job.name()));
  }

  @Test
  void aLaunchWhoseAnswerWasLostIsNotMadeAgainByTheNextController() {
    h.runtime.loseNextAnswer(new IllegalStateException("timed out waiting for the runtime"));
    h.jobs().submit("vision", job("train").group(WORKER, 2).build());
    h.pass(); // worker-0 started, but the controller heard only the timeout
    String uid = h.uid("train");
    assertThat(h.job("train").phase()).isEqualTo(JobPhase.STARTING);

    h.restart();
    h.tick();

    assertThat(h.runtime.launchesOf(uid))
        .extracting(launch -> launch.id().replica() + "#" + launch.attempt())
        .as("worker-0 was found running; only worker-1 was launched, in the same attempt")
        .containsExactly("worker-0#1", "worker-1#1");
    JobRecord job = h.job("train");
    assertThat(job.phase()).isEqualTo(JobPhase.RUNNING);
    assertThat(job.attempt()).isEqualTo(1);
    assertThat(job.restarts()).isZero();
    assertThat(h.runtime.terminations()).isEmpty();
  }

  @Test
  void aReleaseWhoseAnswerWasLostIsMadeAgainAndTheJobEndsReleased() {
    h.jobs().submit("vision", job("train").group(WORKER, 1).build());
    h.pass();
    String uid = h.uid("train");
    h.runtime.replica(uid, "worker-0").exits(0);
    h.runtime.loseNextAnswer(new IllegalStateException("connection reset"));
    h.tick(); // Succeeded recorded, listeners told, released in the runtime, not recorded

    assertThat(h.job("train").phase()).isEqualTo(JobPhase.SUCCEEDED);
    assertThat(h.job("train").released()).isFalse();
    assertThat(h.runtime.releases()).containsExactly(uid);

    h.restart();
    h.tick();

    JobRecord done = h.job("train");
    assertThat(done.released()).isTrue();
    assertThat(h.runtime.releases()).containsExactly(uid, uid);
    assertThat(succeeded)
        .as("listeners run before the release, so a crash in between tells them again")
        .containsExactly("train", "train");
    assertThat(h.runtime.launchesOf(uid)).hasSize(1);
    h.tick();
    assertThat(h.runtime.releases()).as("released once recorded: never again").hasSize(2);
  }

  @Test
  void aPreemptedJobWhoseReleaseWasLostGivesItsGpusBackOnceAndIsNotRelaunched() {
    h.runtime.nodes(InMemoryRuntime.node("node-0", 2));
    h.jobs().submit("vision", job("low").resources(ONE_GPU).group(WORKER, 2).build());
    h.pass();
    String low = h.uid("low");
    h.jobs()
        .submit("vision", job("high").priority(100).resources(ONE_GPU).group(WORKER, 2).build());
    h.pass(); // low preempted, its replicas asked to stop
    h.runtime.loseNextAnswer(new IllegalStateException("timed out"));
    h.tick(); // low's replicas exited: released in the runtime, its placement still recorded
    assertThat(h.job("low").holdsResources()).isTrue();
    assertThat(h.job("high").phase()).isEqualTo(JobPhase.QUEUED);

    h.restart();
    h.tick();
    h.tick();

    assertThat(h.job("low").phase()).isEqualTo(JobPhase.QUEUED);
    assertThat(h.job("low").holdsResources()).isFalse();
    assertThat(h.job("high").phase()).isEqualTo(JobPhase.RUNNING);
    assertThat(h.runtime.launchesOf(low))
        .extracting(ReplicaLaunch::attempt)
        .as("the preempted job waits; nothing of it was launched again")
        .containsExactly(1, 1);
    assertThat(h.runtime.releases()).containsExactly(low, low);
  }
}
