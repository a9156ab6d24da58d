package io.capstan.server.job;

import static io.capstan.api.job.JobPhase.CANCELLED;
import static io.capstan.api.job.JobPhase.FAILED;
import static io.capstan.api.job.JobPhase.QUEUED;
import static io.capstan.api.job.JobPhase.RESTARTING;
import static io.capstan.api.job.JobPhase.RUNNING;
import static io.capstan.api.job.JobPhase.STARTING;
import static io.capstan.api.job.JobPhase.SUCCEEDED;
import static io.capstan.api.job.ReplicaRole.WORKER;
import static io.capstan.server.job.JobFixture.job;

import io.capstan.api.job.JobPhase;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.Resources;
import io.capstan.api.job.RestartPolicy;
import io.capstan.runtime.testing.InMemoryRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every transition of {@link JobLifecycle}'s table, taken by a training job through the job
 * controller on the in-memory runtime and a manual clock: each case brings a job "train" to the
 * first phase, does what a user, a replica or the clock does, and checks that the next phase the
 * controller records is the second, for the expected reason. A transition added to the table
 * without a case here fails {@link #everyTransitionOfTheTableHasACase}.
 */
class JobTransitionsTest {
  private static final Resources ONE_GPU = new Resources(1_000, 1L << 30, 1);

  /** Two workers of one GPU each, on a node of two GPUs: a gang that fills the node. */
  private static final JobSpec GANG =
      job("train")
          .resources(ONE_GPU)
          .restartPolicy(RestartPolicy.ON_FAILURE)
          .backoffLimit(3)
          .group(WORKER, 2)
          .build();

  private static final JobSpec GANG_WITH_DEADLINE =
      GANG.toBuilder().activeDeadlineSeconds(60L).build();

  private static final JobSpec NEVER_RESTARTED =
      job("train").resources(ONE_GPU).restartPolicy(RestartPolicy.NEVER).group(WORKER, 2).build();

  @TempDir Path dataDir;
  private JobControllerHarness h;

  /**
   * One transition: how a job gets to its first phase, and what then makes the controller take it.
   */
  record Case(
      JobPhase from,
      JobPhase to,
      String reason,
      Function<JobControllerHarness, String> arrive,
      BiConsumer<JobControllerHarness, String> cause) {
    JobLifecycle.Transition transition() {
      return LifecycleCoverage.transition(from, to);
    }

    @Override
    public String toString() {
      return from.wireName() + " -> " + to.wireName() + " (" + reason + ")";
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(QUEUED, STARTING, "Admitted", queued(GANG), (h, uid) -> h.pass()),
        new Case(QUEUED, CANCELLED, "Cancelled", queued(GANG), JobTransitionsTest::cancel),
        new Case(STARTING, QUEUED, "Preempted", starting(GANG), JobTransitionsTest::preempt),
        new Case(
            STARTING,
            RUNNING,
            "AllReplicasRunning",
            starting(GANG),
            (h, uid) -> {
              h.runtime.runAll();
              h.tick();
            }),
        new Case(
            STARTING,
            RESTARTING,
            "ReplicaFailed",
            starting(GANG),
            (h, uid) -> {
              h.runtime.replica(uid, "worker-0").runs().exits(137);
              h.tick();
            }),
        new Case(
            STARTING,
            SUCCEEDED,
            "Succeeded",
            starting(GANG),
            (h, uid) -> {
              // A short job: done before the controller saw every replica running.
              h.runtime.replica(uid, "worker-0").runs().exits(0);
              h.runtime.replica(uid, "worker-1").runs().exits(0);
              h.tick();
            }),
        new Case(
            STARTING,
            FAILED,
            "DeadlineExceeded",
            // Its replicas never leave Pending (an image that never arrives).
            starting(GANG_WITH_DEADLINE),
            JobTransitionsTest::passDeadline),
        new Case(STARTING, CANCELLED, "Cancelled", starting(GANG), JobTransitionsTest::cancel),
        new Case(RUNNING, QUEUED, "Preempted", running(GANG), JobTransitionsTest::preempt),
        new Case(
            RUNNING,
            RESTARTING,
            "ReplicaFailed",
            running(GANG),
            (h, uid) -> {
              h.runtime.replica(uid, "worker-1").exits(137);
              h.tick();
            }),
        new Case(
            RUNNING,
            SUCCEEDED,
            "Succeeded",
            running(GANG),
            (h, uid) -> {
              h.runtime.replica(uid, "worker-0").exits(0);
              h.runtime.replica(uid, "worker-1").exits(0);
              h.tick();
            }),
        new Case(
            RUNNING,
            FAILED,
            "ReplicaFailed",
            running(NEVER_RESTARTED),
            (h, uid) -> {
              h.runtime.replica(uid, "worker-0").exits(2);
              h.tick();
            }),
        new Case(RUNNING, CANCELLED, "Cancelled", running(GANG), JobTransitionsTest::cancel),
        new Case(RESTARTING, QUEUED, "Preempted", restarting(GANG), JobTransitionsTest::preempt),
        new Case(
            RESTARTING,
            STARTING,
            "Restarted",
            restarting(GANG),
            (h, uid) -> {
              h.runtime.replica(uid, "worker-0").exits(143); // its grace period ran out
              h.tick();
            }),
        new Case(
            RESTARTING,
            FAILED,
            "DeadlineExceeded",
            restarting(GANG_WITH_DEADLINE),
            JobTransitionsTest::passDeadline),
        new Case(RESTARTING, CANCELLED, "Cancelled", restarting(GANG), JobTransitionsTest::cancel));
  }

  @BeforeEach
  void setUp() {
    h = new JobControllerHarness(dataDir);
    h.runtime.nodes(InMemoryRuntime.node("node-0", 2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theControllerTakesTheTransition(Case c) {
    String uid = c.arrive().apply(h);

    LifecycleCoverage.assertTransition(
        h, uid, c.transition(), c.reason(), () -> c.cause().accept(h, uid));
  }

  @Test
  void everyTransitionOfTheTableHasACase() {
    LifecycleCoverage.assertCovers(cases().map(Case::transition).toList(), Map.of());
  }

  // ---- getting there ----------------------------------------------------------------------

  /** Submitted; no scheduler cycle has run yet. */
  private static Function<JobControllerHarness, String> queued(JobSpec spec) {
    return h -> {
      h.jobs().submit("vision", spec);
      return h.uid("train");
    };
  }

  /** Admitted and launched; its replicas wait in the runtime (Pending). */
  private static Function<JobControllerHarness, String> starting(JobSpec spec) {
    return h -> {
      h.runtime.startPending();
      h.jobs().submit("vision", spec);
      h.pass();
      return h.uid("train");
    };
  }

  /** Admitted, launched, every replica seen running. */
  private static Function<JobControllerHarness, String> running(JobSpec spec) {
    return h -> {
      h.jobs().submit("vision", spec);
      h.pass();
      return h.uid("train");
    };
  }

  /** worker-1 failed; worker-0 was asked to stop and takes its grace period. */
  private static Function<JobControllerHarness, String> restarting(JobSpec spec) {
    return h -> {
      String uid = running(spec).apply(h);
      h.runtime.replica(uid, "worker-0").ignoresTermination();
      h.runtime.replica(uid, "worker-1").exits(137);
      h.tick();
      return uid;
    };
  }

  // ---- what happens -----------------------------------------------------------------------

  /** A user cancels; the API records it, the controller stops the replicas. */
  private static void cancel(JobControllerHarness h, String uid) {
    h.jobs().cancel("vision", "train", "alice");
    h.pass();
  }

  /** A job of higher priority wants the node's two GPUs. */
  private static void preempt(JobControllerHarness h, String uid) {
    h.jobs()
        .submit("vision", job("urgent").priority(100).resources(ONE_GPU).group(WORKER, 2).build());
    h.pass();
  }

  /** The job's 60 seconds of activeDeadlineSeconds pass. */
  private static void passDeadline(JobControllerHarness h, String uid) {
    h.clock.advance(Duration.ofSeconds(61));
    h.pass();
  }
}
