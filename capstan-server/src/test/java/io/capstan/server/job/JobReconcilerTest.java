package io.capstan.server.job;

import static io.capstan.api.job.ReplicaRole.WORKER;
import static io.capstan.server.job.JobFixture.job;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.job.JobEvent;
import io.capstan.api.job.JobPhase;
import io.capstan.api.job.Resources;
import io.capstan.api.job.RestartPolicy;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaLaunch;
import io.capstan.runtime.testing.InMemoryRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job controller's lifecycle on the in-memory runtime and a controllable clock: every
 * transition of the table in {@link JobLifecycle}, each in milliseconds, no process started.
 */
class JobReconcilerTest {
  private static final Resources ONE_GPU = new Resources(1_000, 1L << 30, 1);

  @TempDir Path dataDir;
  private final List<String> succeeded = new ArrayList<>();
  private JobControllerHarness h;

  @BeforeEach
  void setUp() {
    h = new JobControllerHarness(dataDir, job -> succeeded.add(job.name()));
  }

  @Test
  void queuedStartingRunningSucceededThenReleased() {
    h.jobs().submit("vision", job("train").group(WORKER, 2).build());
    assertThat(h.job("train").phase()).isEqualTo(JobPhase.QUEUED);

    h.pass();
    String uid = h.uid("train");
    assertThat(h.runtime.launchesOf(uid))
        .extracting(launch -> launch.id().replica())
        .containsExactly("worker-0", "worker-1");
    assertThat(h.job("train").phase()).isEqualTo(JobPhase.RUNNING);

    h.runtime.replica(uid, "worker-0").exits(0);
    h.runtime.replica(uid, "worker-1").exits(0);
    h.tick();

    JobRecord done = h.job("train");
    assertThat(done.phase()).isEqualTo(JobPhase.SUCCEEDED);
    assertThat(done.released()).isTrue();
    assertThat(h.runtime.releases()).containsExactly(uid);
    assertThat(succeeded).containsExactly("train");
    assertThat(reasons(uid))
        .containsExactly("Submitted", "Admitted", "AllReplicasRunning", "Succeeded");
  }

  @Test
  void aPendingReplicaKeepsTheJobStartingUntilItRuns() {
    h.runtime.startPending();
    h.jobs().submit("vision", job("train").group(WORKER, 2).build());
    h.pass();
    String uid = h.uid("train");
    h.runtime.replica(uid, "worker-0").runs();
    h.tick();
    assertThat(h.job("train").phase()).isEqualTo(JobPhase.STARTING);

    h.runtime.replica(uid, "worker-1").runs();
    h.tick();
    assertThat(h.job("train").phase()).isEqualTo(JobPhase.RUNNING);
  }

  @Test
  void aFailedReplicaRestartsTheWholeGangUntilTheBackoffLimit() {
    h.jobs()
        .submit(
            "vision",
            job("train")
                .restartPolicy(RestartPolicy.ON_FAILURE)
                .backoffLimit(1)
                .group(WORKER, 2)
                .build());
    h.pass();
    String uid = h.uid("train");

    h.runtime.replica(uid, "worker-1").exits(137);
    h.tick();
    assertThat(h.job("train").phase()).isEqualTo(JobPhase.RESTARTING);
    assertThat(h.runtime.terminations())
        .extracting(InMemoryRuntime.Termination::id)
        .as("the healthy replica of the failed attempt is stopped: a gang restarts together")
        .containsExactly(new ReplicaId(uid, "worker-0"));

    h.tick(); // worker-0 has exited (143): relaunch both as attempt 2
    h.tick();
    JobRecord restarted = h.job("train");
    assertThat(restarted.phase()).isEqualTo(JobPhase.RUNNING);
    assertThat(restarted.attempt()).isEqualTo(2);
    assertThat(restarted.restarts()).isEqualTo(1);
    assertThat(h.runtime.launchesOf(uid))
        .extracting(ReplicaLaunch::attempt)
        .containsExactly(1, 1, 2, 2);

    h.runtime.replica(uid, "worker-0").exits(1);
    h.tick();
    JobRecord failed = h.job("train");
    assertThat(failed.phase()).isEqualTo(JobPhase.FAILED);
    assertThat(failed.reason()).isEqualTo("BackoffLimitExceeded");
    assertThat(failed.message()).contains("worker-0 exited with code 1", "backoffLimit 1");
  }

  @Test
  void aReplicaFailureItsRestartPolicyDoesNotCoverFailsTheJobAtOnce() {
    h.jobs()
        .submit("vision", job("train").restartPolicy(RestartPolicy.NEVER).group(WORKER, 2).build());
    h.pass();
    String uid = h.uid("train");

    h.runtime.replica(uid, "worker-0").exits(2);
    h.tick();

    JobRecord failed = h.job("train");
    assertThat(failed.phase()).isEqualTo(JobPhase.FAILED);
    assertThat(failed.reason()).isEqualTo("ReplicaFailed");
    assertThat(failed.message()).contains("restartPolicy Never does not restart it");
    h.tick();
    assertThat(h.job("train").released())
        .as("the other replica was stopped, then released")
        .isTrue();
  }

  @Test
  void aJobPastItsActiveDeadlineFailsAndItsReplicasAreStopped() {
    h.jobs().submit("vision", withDeadline(job("train").group(WORKER, 1).build(), 60));
    h.pass();
    String uid = h.uid("train");

    h.clock.advance(Duration.ofSeconds(59));
    h.pass();
    h.tick();
    assertThat(h.job("train").phase()).isEqualTo(JobPhase.RUNNING);
    h.clock.advance(Duration.ofSeconds(2));
    h.pass();

    assertThat(h.job("train").reason()).isEqualTo("DeadlineExceeded");
    h.tick();
    assertThat(h.runtime.terminations())
        .extracting(t -> t.id().replica())
        .containsExactly("worker-0");
    assertThat(h.job("train").released()).isTrue();
  }

  @Test
  void aFinishedJobIsDeletedWithItsFilesOnceItsTtlHasPassed() {
    h.jobs().submit("vision", withTtl(job("train").group(WORKER, 1).build(), 30));
    h.pass();
    h.runtime.replica(h.uid("train"), "worker-0").exits(0);
    h.tick();
    assertThat(h.job("train").released()).isTrue();

    h.clock.advance(Duration.ofSeconds(29));
    h.pass();
    assertThat(h.store.find("vision", "train")).isPresent();
    h.clock.advance(Duration.ofSeconds(6));
    h.pass();
    assertThat(h.store.find("vision", "train")).isEmpty();
  }

  @Test
  void aHigherPriorityJobPreemptsALowerOneWhichResumesAfterwardsFromItsCheckpoints() {
    h.runtime.nodes(InMemoryRuntime.node("node-0", 2));
    h.jobs().submit("vision", job("low").resources(ONE_GPU).group(WORKER, 2).build());
    h.pass();
    String low = h.uid("low");
    assertThat(h.job("low").phase()).isEqualTo(JobPhase.RUNNING);

    h.jobs()
        .submit("vision", job("high").priority(100).resources(ONE_GPU).group(WORKER, 2).build());
    h.pass();
    JobRecord preempted = h.job("low");
    assertThat(preempted.phase()).isEqualTo(JobPhase.QUEUED);
    assertThat(preempted.reason()).isEqualTo("Preempted");
    assertThat(h.runtime.terminations()).extracting(t -> t.id().jobUid()).containsOnly(low);

    h.tick(); // its replicas have exited: it gives its GPUs back, the preemptor starts
    h.tick();
    assertThat(h.job("high").phase()).isEqualTo(JobPhase.RUNNING);
    assertThat(h.job("low").phase()).isEqualTo(JobPhase.QUEUED);

    String high = h.uid("high");
    h.runtime.replica(high, "worker-0").exits(0);
    h.runtime.replica(high, "worker-1").exits(0);
    h.tick();
    h.tick();
    JobRecord resumed = h.job("low");
    assertThat(resumed.phase()).isEqualTo(JobPhase.RUNNING);
    assertThat(resumed.attempt()).isEqualTo(2);
    assertThat(h.store.events(low))
        .filteredOn(event -> event.reason().equals("Admitted"))
        .last()
        .extracting(JobEvent::message)
        .asString()
        .contains("Admitted again, resuming from its checkpoint");
    assertThat(h.runtime.launchesOf(low).get(2).env())
        .containsEntry("CAPSTAN_CHECKPOINT_DIR", JobLauncher.CHECKPOINT_DIR)
        .containsEntry("CAPSTAN_ATTEMPT", "2");
    assertThat(h.runtime.launchesOf(low))
        .as("every launch of both attempts mounts the same checkpoint directory")
        .extracting(launch -> checkpoints(launch))
        .containsOnly(checkpoints(h.runtime.launchesOf(low).get(0)))
        .hasSize(4);
  }

  @Test
  void aPreemptedJobsDeadlineCountsOnlyTheTimeItWasAdmitted() {
    h.runtime.nodes(InMemoryRuntime.node("node-0", 2));
    h.jobs()
        .submit("vision", withDeadline(job("low").resources(ONE_GPU).group(WORKER, 2).build(), 60));
    h.pass();
    h.clock.advance(Duration.ofSeconds(30));
    h.jobs()
        .submit("vision", job("high").priority(100).resources(ONE_GPU).group(WORKER, 2).build());
    h.pass();
    h.tick();
    assertThat(h.job("low").phase()).isEqualTo(JobPhase.QUEUED);

    h.clock.advance(Duration.ofSeconds(100)); // far past 60 s since it first started
    String high = h.uid("high");
    h.runtime.replica(high, "worker-0").exits(0);
    h.runtime.replica(high, "worker-1").exits(0);
    h.tick();
    h.tick();
    assertThat(h.job("low").phase())
        .as(
            "readmitted with its deadline counted from this admission, as Kubernetes resets a"
                + " resumed Job's start time")
        .isEqualTo(JobPhase.RUNNING);

    h.clock.advance(Duration.ofSeconds(58));
    h.tick();
    assertThat(h.job("low").phase()).isEqualTo(JobPhase.RUNNING);
    h.clock.advance(Duration.ofSeconds(3));
    h.tick();
    assertThat(h.job("low").reason()).isEqualTo("DeadlineExceeded");
  }

  @Test
  void aCancelIsRecordedAtOnceAndOnlyTheControllerStopsTheReplicas() {
    h.jobs().submit("vision", job("train").group(WORKER, 2).build());
    h.pass();

    h.jobs().cancel("vision", "train", "alice");
    assertThat(h.job("train").phase()).isEqualTo(JobPhase.CANCELLED);
    assertThat(h.runtime.terminations()).as("the API thread never calls the runtime").isEmpty();

    h.pass();
    assertThat(h.runtime.terminations()).hasSize(2);
    h.tick();
    assertThat(h.job("train").released()).isTrue();
  }

  @Test
  void aDeleteIsRecordedAndCarriedOutByTheControllerEvenAcrossARestart() {
    h.jobs().submit("vision", job("train").group(WORKER, 2).build());
    h.pass();
    String uid = h.uid("train");
    h.runtime.replica(uid, "worker-1").ignoresTermination();

    h.jobs().requestDelete("vision", "train", "alice");
    h.pass();
    assertThat(h.job("train").deleting()).isTrue();
    assertThat(h.job("train").phase()).isEqualTo(JobPhase.CANCELLED);

    h.restart(); // the control plane dies while worker-1 takes its time to stop
    h.runtime.replica(uid, "worker-1").exits(143);
    h.tick();

    assertThat(h.store.find("vision", "train")).isEmpty();
    assertThat(h.runtime.releases()).containsExactly(uid);
    assertThat(h.runtime.observe(uid)).isEmpty();
  }

  @Test
  void aControllerThatCrashedAfterLaunchingLaunchesNothingTwice() {
    h.runtime.startPending();
    h.jobs().submit("vision", job("train").group(WORKER, 2).build());
    h.pass(); // launched, not yet recorded as running: the control plane dies here
    String uid = h.uid("train");

    h.restart();
    h.runtime.runAll();
    h.tick();
    h.tick();

    assertThat(h.runtime.launchesOf(uid)).hasSize(2);
    assertThat(h.job("train").phase()).isEqualTo(JobPhase.RUNNING);
  }

  @Test
  void aLaunchTheRuntimeRefusesFailsTheJobWithItsReason() {
    h.runtime.failLaunchesOf("host");
    h.jobs().submit("vision", job("train").group(WORKER, 1).build());
    h.pass();

    JobRecord failed = h.job("train");
    assertThat(failed.phase()).isEqualTo(JobPhase.FAILED);
    assertThat(failed.reason()).isEqualTo("LaunchFailed");
    assertThat(failed.message()).contains("image");
  }

  @Test
  void aReconcileThatThrowsIsRetriedAfterABackoffAndTheJobGoesOn() {
    h.jobs()
        .submit(
            "vision",
            job("train").restartPolicy(RestartPolicy.ON_FAILURE).group(WORKER, 1).build());
    h.pass();
    String uid = h.uid("train");
    h.runtime.replica(uid, "worker-0").exits(137);
    h.runtime.failNextLaunch(new IllegalStateException("the runtime did not answer"));
    h.tick();
    assertThat(h.job("train").phase()).isEqualTo(JobPhase.STARTING);
    assertThat(h.runtime.launchesOf(uid)).as("the relaunch threw").hasSize(1);

    h.clock.advance(Duration.ofMillis(100));
    h.pass();

    assertThat(h.runtime.launchesOf(uid)).extracting(ReplicaLaunch::attempt).containsExactly(1, 2);
    assertThat(h.job("train").phase()).isEqualTo(JobPhase.RUNNING);
  }

  private static io.capstan.runtime.Mount checkpoints(ReplicaLaunch launch) {
    return launch.mounts().stream()
        .filter(mount -> mount.containerPath().equals(JobLauncher.CHECKPOINT_DIR))
        .findFirst()
        .orElseThrow();
  }

  private List<String> reasons(String uid) {
    return h.store.events(uid).stream().map(JobEvent::reason).toList();
  }

  private static io.capstan.api.job.JobSpec withDeadline(io.capstan.api.job.JobSpec spec, long s) {
    return spec.toBuilder().activeDeadlineSeconds(s).build();
  }

  private static io.capstan.api.job.JobSpec withTtl(io.capstan.api.job.JobSpec spec, long s) {
    return spec.toBuilder().ttlSecondsAfterFinished(s).build();
  }
}
