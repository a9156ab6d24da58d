package io.capstan.server.serving;

import static io.capstan.api.job.JobPhase.CANCELLED;
import static io.capstan.api.job.JobPhase.FAILED;
import static io.capstan.api.job.JobPhase.QUEUED;
import static io.capstan.api.job.JobPhase.RESTARTING;
import static io.capstan.api.job.JobPhase.RUNNING;
import static io.capstan.api.job.JobPhase.STARTING;
import static io.capstan.api.job.JobPhase.SUCCEEDED;
import static io.capstan.server.job.LifecycleCoverage.transition;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.job.Framework;
import io.capstan.api.job.JobEvent;
import io.capstan.api.job.JobPhase;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.ReplicaGroupSpec;
import io.capstan.api.job.ReplicaRole;
import io.capstan.api.job.Resources;
import io.capstan.api.job.RestartPolicy;
import io.capstan.runtime.Node;
import io.capstan.server.job.JobLifecycle.Transition;
import io.capstan.server.job.JobRecord;
import io.capstan.server.job.LifecycleCoverage;
import java.nio.file.Path;
import java.util.List;
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
 * Every transition of {@code JobLifecycle}'s table that a serving replica can take, taken by the
 * replica of a one-replica service "churn" through the serving and job controllers on the in-memory
 * runtime and a manual clock; the others are listed in {@link #NOT_APPLICABLE} with why a serving
 * replica never takes them. A transition added to the table that is in neither fails {@link
 * #everyTransitionOfTheTableHasACaseOrAReasonItDoesNotApply}.
 */
class ServingReplicaTransitionsTest {
  /** A node with room for the replica (500m) or for a training job of one core, not both. */
  private static final Node SMALL_NODE =
      new Node("node-0", new Resources(1_000, 8L << 30, 0), List.of(), Map.of());

  static final Map<Transition, String> NOT_APPLICABLE =
      Map.of(
          transition(STARTING, SUCCEEDED),
          "a serving replica never succeeds: it runs until its service retires it, and a model"
              + " server that exits, even with 0, is restarted (restartPolicy Always)",
          transition(RUNNING, SUCCEEDED),
          "a serving replica never succeeds: it runs until its service retires it, and a model"
              + " server that exits, even with 0, is restarted (restartPolicy Always)",
          transition(RESTARTING, FAILED),
          "a serving replica has no activeDeadlineSeconds, the only way from Restarting to Failed",
          transition(RESTARTING, QUEUED),
          "its one replica has exited when it fails, so it is Restarting only inside one reconcile,"
              + " and the scheduler cycle runs on the same controller thread: it never sees a"
              + " serving replica Restarting",
          transition(RESTARTING, CANCELLED),
          "it is Restarting only inside one reconcile (its one replica has already exited); only a"
              + " cancel from another thread landing inside it could take this transition, and the"
              + " store's compare-and-set then makes the controller read the cancel and stop it");

  @TempDir Path dataDir;
  private ServingControllerHarness s;

  /** Transitions taken one after the other, how the replica gets to the first, what causes them. */
  record Case(
      List<Transition> path,
      List<String> reasons,
      Function<ServingControllerHarness, String> arrive,
      BiConsumer<ServingControllerHarness, String> cause) {
    @Override
    public String toString() {
      return path + " " + reasons;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        one(QUEUED, STARTING, "Admitted", queued(), (s, uid) -> s.h.pass()),
        one(QUEUED, CANCELLED, "Cancelled", queued(), ServingReplicaTransitionsTest::deleteService),
        one(STARTING, QUEUED, "Preempted", starting(), ServingReplicaTransitionsTest::preempt),
        one(
            STARTING,
            RUNNING,
            "AllReplicasRunning",
            starting(),
            (s, uid) -> {
              s.h.runtime.runAll();
              s.h.tick();
            }),
        one(
            STARTING,
            RESTARTING,
            "ReplicaFailed",
            starting(),
            (s, uid) -> {
              s.h.runtime.replica(uid, ReplicaJobs.REPLICA).runs().exits(1);
              s.h.tick();
            }),
        one(
            STARTING,
            FAILED,
            "LaunchFailed",
            starting(),
            ServingReplicaTransitionsTest::lostAndRefused),
        one(
            STARTING,
            CANCELLED,
            "Cancelled",
            starting(),
            ServingReplicaTransitionsTest::deleteService),
        one(RUNNING, QUEUED, "Preempted", running(), ServingReplicaTransitionsTest::preempt),
        new Case(
            List.of(transition(RUNNING, RESTARTING), transition(RESTARTING, STARTING)),
            List.of("ReplicaFailed", "Restarted"),
            running(),
            (s, uid) -> {
              s.h.runtime.replica(uid, ReplicaJobs.REPLICA).exits(137);
              s.h.tick();
            }),
        one(
            RUNNING,
            FAILED,
            "LaunchFailed",
            running(),
            ServingReplicaTransitionsTest::lostAndRefused),
        one(
            RUNNING,
            CANCELLED,
            "Cancelled",
            running(),
            ServingReplicaTransitionsTest::deleteService));
  }

  @BeforeEach
  void setUp() {
    s = new ServingControllerHarness(dataDir);
    s.h.runtime.nodes(SMALL_NODE);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theControllersTakeTheTransition(Case c) {
    String uid = c.arrive().apply(s);

    LifecycleCoverage.assertPath(s.h, uid, c.path(), c.reasons(), () -> c.cause().accept(s, uid));
  }

  @Test
  void everyTransitionOfTheTableHasACaseOrAReasonItDoesNotApply() {
    LifecycleCoverage.assertCovers(
        cases().flatMap(c -> c.path().stream()).toList(), NOT_APPLICABLE);
  }

  @Test
  void aModelServerThatExitsWithZeroIsRestartedAndTheReplicaNeverSucceeds() {
    String uid = running().apply(s);

    LifecycleCoverage.assertPath(
        s.h,
        uid,
        List.of(transition(RUNNING, RESTARTING), transition(RESTARTING, STARTING)),
        List.of("ReplicaFailed", "Restarted"),
        () -> {
          s.h.runtime.replica(uid, ReplicaJobs.REPLICA).exits(0);
          s.h.tick();
        });

    assertThat(s.h.events(uid))
        .filteredOn(event -> event.phase() == RESTARTING)
        .extracting(JobEvent::message)
        .singleElement()
        .asString()
        .contains("replica worker-0 exited with code 0", "restarting it");
    s.step();
    JobRecord replica = s.h.byUid(uid);
    assertThat(replica.phase()).isEqualTo(JobPhase.RUNNING);
    assertThat(replica.restarts()).isEqualTo(1);
  }

  private static Case one(
      JobPhase from,
      JobPhase to,
      String reason,
      Function<ServingControllerHarness, String> arrive,
      BiConsumer<ServingControllerHarness, String> cause) {
    return new Case(List.of(transition(from, to)), List.of(reason), arrive, cause);
  }

  // ---- getting there ----------------------------------------------------------------------

  /** The serving controller made the replica; no scheduler cycle has run yet. */
  private static Function<ServingControllerHarness, String> queued() {
    return s -> {
      ServiceRecord churn = s.create("churn", "churn:1", 1, 1, null);
      s.serving.runOnce();
      return only(s, churn);
    };
  }

  /** Admitted and launched; the model server waits in the runtime (Pending). */
  private static Function<ServingControllerHarness, String> starting() {
    return s -> {
      s.h.runtime.startPending();
      ServiceRecord churn = s.create("churn", "churn:1", 1, 1, null);
      s.step();
      return only(s, churn);
    };
  }

  /** Admitted, launched, seen running. */
  private static Function<ServingControllerHarness, String> running() {
    return s -> {
      ServiceRecord churn = s.create("churn", "churn:1", 1, 1, null);
      s.step();
      return only(s, churn);
    };
  }

  private static String only(ServingControllerHarness s, ServiceRecord service) {
    List<JobRecord> replicas = s.h.jobs().ownedBy(service.uid());
    assertThat(replicas).hasSize(1);
    return replicas.get(0).uid();
  }

  // ---- what happens -----------------------------------------------------------------------

  /** A user deletes the service: the serving controller cancels its replica. */
  private static void deleteService(ServingControllerHarness s, String uid) {
    s.api.delete("ml", "churn");
    s.serve();
  }

  /** A training job of higher priority than serving (high) needs the node's one core. */
  private static void preempt(ServingControllerHarness s, String uid) {
    ReplicaGroupSpec group =
        new ReplicaGroupSpec(
            ReplicaRole.WORKER,
            1,
            "host",
            List.of("true"),
            List.of(),
            Map.of(),
            new Resources(1_000, 1L << 30, 0),
            RestartPolicy.NEVER);
    JobSpec urgent =
        JobSpec.builder("urgent", Framework.GENERIC, "TrainingJob")
            .replicaGroups(List.of(group))
            .priority(1_000)
            .build();
    s.h.jobs().submit("ml", urgent);
    s.h.pass();
  }

  /**
   * The runtime forgets the replica (its pod was deleted behind Capstan's back) and from now on
   * refuses the model server's image, so the controller's launch of it again fails.
   */
  private static void lostAndRefused(ServingControllerHarness s, String uid) {
    s.h.runtime.release(uid);
    s.h.runtime.failLaunchesOf(ReplicaJobs.IMAGE);
    s.h.tick();
  }
}
