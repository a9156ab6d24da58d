package io.capstan.server.job;

import static io.capstan.server.job.JobFixture.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.job.JobEvent;
import io.capstan.api.job.JobPhase;
import io.capstan.api.job.ReplicaRole;
import io.capstan.api.job.ReplicaStatus;
import io.capstan.server.store.TestingDatabase;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

/** The job store on embedded H2 and on a real PostgreSQL. */
class JobStoreTest {
  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

  static Stream<TestingDatabase> databases() {
    return TestingDatabase.all();
  }

  private static JobStore store(TestingDatabase db) {
    db.jdbc()
        .sql("insert into projects (name, created_at) values ('vision', 0), ('nlp', 0)")
        .update();
    return new JobStore(db.jdbc(), db.transactions(), JsonMapper.builder().build());
  }

  private static JobRecord queued(String uid, String project, String name) {
    return new JobRecord.Builder(
            uid,
            project,
            name,
            job(name).group(ReplicaRole.WORKER, 2).label("team", "cv").build(),
            T0)
        .phase(JobPhase.QUEUED)
        .reason("Queued")
        .message("waiting for admission")
        .build();
  }

  private static List<ReplicaStatus> pending(int count) {
    return Stream.iterate(0, i -> i + 1)
        .limit(count)
        .map(
            i ->
                new ReplicaStatus(
                    "worker-" + i,
                    ReplicaRole.WORKER,
                    i,
                    "Pending",
                    null,
                    0,
                    List.of(),
                    null,
                    null,
                    null))
        .toList();
  }

  private static JobEvent event(JobPhase phase, String reason) {
    return new JobEvent(T0, phase, reason, "because");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void listsAPageOfTheJobsAQuerySelectsWithTheirCount(TestingDatabase db) {
    JobStore store = store(db);
    String[] names = {"resnet-a", "resnet_b", "bert-100%", "resnet-c", "gpt"};
    for (int i = 0; i < names.length; i++) {
      JobRecord job =
          new JobRecord.Builder(
                  "u" + i, "vision", names[i], job(names[i]).build(), T0.plusSeconds(i))
              .phase(i % 2 == 0 ? JobPhase.SUCCEEDED : JobPhase.QUEUED)
              .build();
      store.insert(job, pending(1), event(job.phase(), "Submitted"));
      store.saveSubmission(
          job.uid(), i < 2 ? "alice" : "bob", i == 0 ? "PyTorchJob" : "TrainingJob", "kind: x");
    }
    store.insert(
        queued("other", "nlp", "resnet-nlp"), pending(1), event(JobPhase.QUEUED, "Submitted"));

    assertThat(names(store, new JobQuery(null, null, null, null, true, 1, 2)))
        .containsExactly("resnet-c", "bert-100%");
    assertThat(store.count("vision", JobQuery.ALL)).isEqualTo(5);
    JobQuery resnets = new JobQuery(null, null, "RESNET", null, false, 0, null);
    assertThat(names(store, resnets)).containsExactly("resnet-a", "resnet_b", "resnet-c");
    assertThat(names(store, new JobQuery(null, null, "t_b", null, false, 0, null)))
        .as("an underscore is a character, not a wildcard")
        .containsExactly("resnet_b");
    assertThat(names(store, new JobQuery(null, null, "0%", null, false, 0, null)))
        .containsExactly("bert-100%");
    assertThat(names(store, new JobQuery(JobPhase.SUCCEEDED, null, "resnet", null, false, 0, null)))
        .containsExactly("resnet-a");
    assertThat(names(store, new JobQuery(null, "PyTorchJob", null, null, false, 0, null)))
        .containsExactly("resnet-a");
    assertThat(names(store, new JobQuery(null, null, null, "alice", false, 0, null)))
        .containsExactly("resnet-a", "resnet_b");
    assertThat(names(store, new JobQuery(null, "TrainingJob", null, null, false, 0, null)))
        .as("a job is of the kind it was submitted as, not of its workload's")
        .containsExactly("resnet_b", "bert-100%", "resnet-c", "gpt");
    assertThat(store.count("vision", new JobQuery(null, "TrainingJob", null, "bob", false, 0, 1)))
        .isEqualTo(3);
    assertThat(store.submission("u0")).hasValue("kind: x");
    assertThat(store.submission("other")).isEmpty();
  }

  private static List<String> names(JobStore store, JobQuery query) {
    return store.list("vision", query).stream().map(JobRecord::name).toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void storesAndReadsBackAJobWithItsSpecReplicasAndEvents(TestingDatabase db) {
    JobStore store = store(db);
    JobRecord job = queued("u1", "vision", "resnet");

    store.insert(job, pending(2), event(JobPhase.QUEUED, "Submitted"));

    JobRecord read = store.find("vision", "resnet").orElseThrow();
    assertThat(read).isEqualTo(job);
    assertThat(store.findByUid("u1")).contains(job);
    assertThat(store.replicas("u1"))
        .extracting(ReplicaStatus::name)
        .containsExactly("worker-0", "worker-1");
    assertThat(store.events("u1")).containsExactly(event(JobPhase.QUEUED, "Submitted"));
    assertThat(store.find("nlp", "resnet")).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void keepsTheServiceOfEarlierRunsAcrossAPreemption(TestingDatabase db) {
    JobStore store = store(db);
    JobRecord job = queued("u1", "vision", "resnet");
    store.insert(job, pending(2), event(JobPhase.QUEUED, "Submitted"));

    // Admitted at T0 + 1 min, preempted an hour later while holding 2 GPUs.
    JobRecord running = job.withRuns(job.runs().started(T0.plusSeconds(60)));
    assertThat(store.update(running, null)).isTrue();
    running = store.findByUid("u1").orElseThrow();
    assertThat(running.runs().runStartedAt()).isEqualTo(T0.plusSeconds(60));
    JobRecord requeued = running.withRuns(running.runs().preempted(T0.plusSeconds(3660), 2000));
    assertThat(store.update(requeued, null)).isTrue();

    JobRuns read = store.findByUid("u1").orElseThrow().runs();
    assertThat(read).isEqualTo(new JobRuns(null, 7200.0, T0.plusSeconds(3660)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aDuplicateNameInOneProjectIsRejectedAndLeavesNothingBehind(TestingDatabase db) {
    JobStore store = store(db);
    store.insert(queued("u1", "vision", "resnet"), pending(2), event(JobPhase.QUEUED, "Submitted"));

    assertThatThrownBy(
            () ->
                store.insert(
                    queued("u2", "vision", "resnet"),
                    pending(2),
                    event(JobPhase.QUEUED, "Submitted")))
        .isInstanceOf(org.springframework.dao.DataIntegrityViolationException.class);

    assertThat(store.findByUid("u2")).isEmpty();
    assertThat(store.replicas("u2")).isEmpty();
    assertThat(store.events("u2")).isEmpty();
    store.insert(queued("u3", "nlp", "resnet"), pending(1), event(JobPhase.QUEUED, "Submitted"));
    assertThat(store.list("nlp")).extracting(JobRecord::uid).containsExactly("u3");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void updateIsACompareAndSetOnTheVersion(TestingDatabase db) {
    JobStore store = store(db);
    JobRecord job = queued("u1", "vision", "resnet");
    store.insert(job, pending(2), event(JobPhase.QUEUED, "Submitted"));
    Placement placement =
        new Placement(
            Map.of(
                "worker-0",
                new Placement.ReplicaPlacement("node-a", List.of(0), "127.0.0.1:4000")));
    JobRecord starting =
        job.transition(JobPhase.STARTING, "Admitted", "all fit", T0.plusSeconds(1))
            .launched(1, 0, placement);

    assertThat(store.update(starting, event(JobPhase.STARTING, "Admitted"))).isTrue();
    assertThat(store.update(starting, event(JobPhase.STARTING, "Again")))
        .as("a save over the version it read, which another save raised, loses")
        .isFalse();
    assertThat(store.update(job.explain("Pending", "waits"), null))
        .as("so does a stale record whose phase matches no more")
        .isFalse();

    JobRecord read = store.findByUid("u1").orElseThrow();
    assertThat(read.version()).isEqualTo(1);
    assertThat(read.phase()).isEqualTo(JobPhase.STARTING);
    assertThat(read.startedAt()).isEqualTo(T0.plusSeconds(1));
    assertThat(read.attempt()).isEqualTo(1);
    assertThat(read.placement()).isEqualTo(placement);
    assertThat(store.events("u1"))
        .extracting(JobEvent::reason)
        .containsExactly("Submitted", "Admitted");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void liveAndFinishedListsFollowThePhaseAndRelease(TestingDatabase db) {
    JobStore store = store(db);
    JobRecord job = queued("u1", "vision", "a");
    store.insert(job, pending(1), event(JobPhase.QUEUED, "Submitted"));
    store.insert(queued("u2", "vision", "b"), pending(1), event(JobPhase.QUEUED, "Submitted"));
    JobRecord cancelled =
        job.transition(JobPhase.CANCELLED, "Cancelled", "by admin", T0.plusSeconds(5));
    store.update(cancelled, event(JobPhase.CANCELLED, "Cancelled"));

    assertThat(store.listLive()).extracting(JobRecord::uid).containsExactly("u1", "u2");
    assertThat(store.listFinished()).extracting(JobRecord::uid).containsExactly("u1");

    store.update(store.findByUid("u1").orElseThrow().markReleased(), null);
    assertThat(store.listLive()).extracting(JobRecord::uid).containsExactly("u2");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void replicaStatusesAreReplacedAndDeleteRemovesEverything(TestingDatabase db) {
    JobStore store = store(db);
    store.insert(queued("u1", "vision", "a"), pending(2), event(JobPhase.QUEUED, "Submitted"));
    ReplicaStatus failed =
        new ReplicaStatus(
            "worker-1",
            ReplicaRole.WORKER,
            1,
            "Failed",
            137,
            2,
            List.of(1),
            T0,
            T0.plusSeconds(3),
            "killed by signal 9");

    ReplicaStatus stopped =
        new ReplicaStatus(
            "worker-0",
            ReplicaRole.WORKER,
            0,
            "Stopped",
            143,
            2,
            List.of(0),
            T0,
            T0.plusSeconds(4),
            "stopped because the job failed",
            "JobFinished");
    store.replaceReplicas("u1", List.of(failed, stopped));

    assertThat(store.replicas("u1")).containsExactlyInAnyOrder(failed, stopped);
    store.delete("u1");
    assertThat(store.findByUid("u1")).isEmpty();
    assertThat(store.replicas("u1")).isEmpty();
    assertThat(store.events("u1")).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void eventsOfAProjectAreReadInOneQueryByJobOldestFirst(TestingDatabase db) {
    JobStore store = store(db);
    store.insert(queued("u1", "vision", "a"), pending(1), event(JobPhase.QUEUED, "Submitted"));
    store.insert(queued("u2", "vision", "b"), pending(1), event(JobPhase.QUEUED, "Submitted"));
    store.insert(queued("u3", "nlp", "c"), pending(1), event(JobPhase.QUEUED, "Submitted"));
    store.addEvent("u1", event(JobPhase.QUEUED, "Preempted"));

    Map<String, List<JobEvent>> events = store.eventsOfProject("vision");

    assertThat(events).containsOnlyKeys("u1", "u2");
    assertThat(events.get("u1"))
        .extracting(JobEvent::reason)
        .containsExactly("Submitted", "Preempted");
    assertThat(events.get("u2")).isEqualTo(store.events("u2"));
  }
}
