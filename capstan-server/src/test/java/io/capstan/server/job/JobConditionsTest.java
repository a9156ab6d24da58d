package io.capstan.server.job;

import static io.capstan.api.job.JobPhase.CANCELLED;
import static io.capstan.api.job.JobPhase.FAILED;
import static io.capstan.api.job.JobPhase.QUEUED;
import static io.capstan.api.job.JobPhase.RESTARTING;
import static io.capstan.api.job.JobPhase.RUNNING;
import static io.capstan.api.job.JobPhase.STARTING;
import static io.capstan.api.job.JobPhase.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.job.JobEvent;
import io.capstan.api.job.JobPhase;
import io.capstan.api.status.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kubeflow's conditions derived from the event history: one case per transition of {@link
 * JobLifecycle}'s table, each a history that ends with that transition. A condition is written
 * {@code Type=Status Reason@t}, t the second of the event that last changed its status.
 */
class JobConditionsTest {
  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

  record Case(JobPhase from, JobPhase to, List<String> history, List<String> expected) {
    @Override
    public String toString() {
      return from.wireName() + " -> " + to.wireName();
    }
  }

  static Stream<Case> transitions() {
    return Stream.of(
        new Case(
            QUEUED,
            STARTING,
            List.of("Queued Submitted", "Starting Admitted"),
            List.of("Created=True Submitted@0", "Suspended=False Admitted@1")),
        new Case(
            QUEUED,
            CANCELLED,
            List.of("Queued Submitted", "Cancelled Cancelled"),
            List.of(
                "Created=True Submitted@0",
                "Suspended=False Cancelled@1",
                "Failed=True Cancelled@1")),
        new Case(
            STARTING,
            RUNNING,
            List.of("Queued Submitted", "Starting Admitted", "Running AllReplicasRunning"),
            List.of(
                "Created=True Submitted@0",
                "Suspended=False Admitted@1",
                "Running=True AllReplicasRunning@2")),
        new Case(
            STARTING,
            RESTARTING,
            List.of("Queued Submitted", "Starting Admitted", "Restarting ReplicaFailed"),
            List.of(
                "Created=True Submitted@0",
                "Suspended=False Admitted@1",
                "Restarting=True ReplicaFailed@2")),
        new Case(
            STARTING,
            SUCCEEDED,
            List.of("Queued Submitted", "Starting Admitted", "Succeeded Succeeded"),
            List.of(
                "Created=True Submitted@0",
                "Suspended=False Admitted@1",
                "Succeeded=True Succeeded@2")),
        new Case(
            STARTING,
            FAILED,
            List.of("Queued Submitted", "Starting Admitted", "Failed LaunchFailed"),
            List.of(
                "Created=True Submitted@0",
                "Suspended=False Admitted@1",
                "Failed=True LaunchFailed@2")),
        new Case(
            STARTING,
            CANCELLED,
            List.of("Queued Submitted", "Starting Admitted", "Cancelled Cancelled"),
            List.of(
                "Created=True Submitted@0",
                "Suspended=False Admitted@1",
                "Failed=True Cancelled@2")),
        new Case(
            STARTING,
            QUEUED,
            List.of("Queued Submitted", "Starting Admitted", "Queued Preempted"),
            List.of("Created=True Submitted@0", "Suspended=True Preempted@2")),
        new Case(
            RUNNING,
            RESTARTING,
            List.of(
                "Queued Submitted",
                "Starting Admitted",
                "Running AllReplicasRunning",
                "Restarting ReplicaFailed"),
            List.of(
                "Created=True Submitted@0",
                "Suspended=False Admitted@1",
                "Restarting=True ReplicaFailed@3")),
        new Case(
            RUNNING,
            SUCCEEDED,
            List.of(
                "Queued Submitted",
                "Starting Admitted",
                "Running AllReplicasRunning",
                "Succeeded Succeeded"),
            List.of(
                "Created=True Submitted@0",
                "Suspended=False Admitted@1",
                "Running=False Succeeded@3",
                "Succeeded=True Succeeded@3")),
        new Case(
            RUNNING,
            FAILED,
            List.of(
                "Queued Submitted",
                "Starting Admitted",
                "Running AllReplicasRunning",
                "Failed DeadlineExceeded"),
            List.of(
                "Created=True Submitted@0",
                "Suspended=False Admitted@1",
                "Running=False DeadlineExceeded@3",
                "Failed=True DeadlineExceeded@3")),
        new Case(
            RUNNING,
            CANCELLED,
            List.of(
                "Queued Submitted",
                "Starting Admitted",
                "Running AllReplicasRunning",
                "Cancelled Cancelled"),
            List.of(
                "Created=True Submitted@0",
                "Suspended=False Admitted@1",
                "Running=False Cancelled@3",
                "Failed=True Cancelled@3")),
        new Case(
            RUNNING,
            QUEUED,
            List.of(
                "Queued Submitted",
                "Starting Admitted",
                "Running AllReplicasRunning",
                "Queued Preempted"),
            List.of(
                "Created=True Submitted@0",
                "Suspended=True Preempted@3",
                "Running=False Preempted@3")),
        new Case(
            RESTARTING,
            STARTING,
            List.of(
                "Queued Submitted",
                "Starting Admitted",
                "Running AllReplicasRunning",
                "Restarting ReplicaFailed",
                "Starting Restarted"),
            // Restarting stays True until every replica runs again.
            List.of(
                "Created=True Submitted@0",
                "Suspended=False Admitted@1",
                "Restarting=True ReplicaFailed@3")),
        new Case(
            RESTARTING,
            FAILED,
            List.of(
                "Queued Submitted",
                "Starting Admitted",
                "Running AllReplicasRunning",
                "Restarting ReplicaFailed",
                "Failed BackoffLimitExceeded"),
            List.of(
                "Created=True Submitted@0",
                "Suspended=False Admitted@1",
                "Restarting=False BackoffLimitExceeded@4",
                "Failed=True BackoffLimitExceeded@4")),
        new Case(
            RESTARTING,
            CANCELLED,
            List.of(
                "Queued Submitted",
                "Starting Admitted",
                "Running AllReplicasRunning",
                "Restarting ReplicaFailed",
                "Cancelled Cancelled"),
            List.of(
                "Created=True Submitted@0",
                "Suspended=False Admitted@1",
                "Restarting=False Cancelled@4",
                "Failed=True Cancelled@4")),
        new Case(
            RESTARTING,
            QUEUED,
            List.of(
                "Queued Submitted",
                "Starting Admitted",
                "Running AllReplicasRunning",
                "Restarting ReplicaFailed",
                "Queued Preempted"),
            // As in Kubeflow, suspension turns only Running False; the restart goes on on resume.
            List.of(
                "Created=True Submitted@0",
                "Suspended=True Preempted@4",
                "Restarting=True ReplicaFailed@3")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transitions")
  void everyTransitionOfTheLifecycleYieldsKubeflowsConditions(Case c) {
    List<JobEvent> events = history(c.history());
    JobEvent last = events.get(events.size() - 1);

    List<Condition> conditions =
        JobConditions.of(events, last.phase(), last.reason(), last.message());

    assertThat(JobLifecycle.allowed(c.from(), c.to())).as("a transition of the table").isTrue();
    assertThat(events.get(events.size() - 2).phase()).isEqualTo(c.from());
    assertThat(last.phase()).isEqualTo(c.to());
    assertThat(conditions.stream().map(JobConditionsTest::written))
        .containsExactlyInAnyOrderElementsOf(c.expected());
  }

  @Test
  void theCasesCoverEveryTransitionOfTheTable() {
    Set<String> covered = new HashSet<>();
    transitions().forEach(c -> covered.add(c.toString()));
    Set<String> table = new HashSet<>();
    for (JobPhase from : JobPhase.values()) {
      for (JobPhase to : JobPhase.values()) {
        if (JobLifecycle.allowed(from, to)) {
          table.add(from.wireName() + " -> " + to.wireName());
        }
      }
    }
    assertThat(covered).isEqualTo(table);
  }

  @Test
  void aSubmittedJobIsCreatedAndSuspendedWithTheSchedulersLatestExplanation() {
    List<JobEvent> events = history(List.of("Queued Submitted"));

    List<Condition> conditions =
        JobConditions.of(events, QUEUED, "Pending", "waiting for 4 GPUs, 2 are free");

    assertThat(conditions.stream().map(JobConditionsTest::written))
        .containsExactly("Created=True Submitted@0", "Suspended=True Pending@0");
    assertThat(conditions.get(1).message()).isEqualTo("waiting for 4 GPUs, 2 are free");
    assertThat(conditions.get(0).message()).isEqualTo("message of Submitted");
  }

  @Test
  void aResumedJobIsNoLongerSuspendedAndRunsAgainFromItsNewTransition() {
    List<JobEvent> events =
        history(
            List.of(
                "Queued Submitted",
                "Starting Admitted",
                "Running AllReplicasRunning",
                "Queued Preempted",
                "Starting Admitted",
                "Running AllReplicasRunning"));

    List<Condition> conditions = JobConditions.of(events, RUNNING, "AllReplicasRunning", "");

    assertThat(conditions.stream().map(JobConditionsTest::written))
        .containsExactlyInAnyOrder(
            "Created=True Submitted@0",
            "Suspended=False Admitted@4",
            "Running=True AllReplicasRunning@5");
  }

  @Test
  void aRestartedJobThatRunsAgainIsRunningAndNoLongerRestarting() {
    List<JobEvent> events =
        history(
            List.of(
                "Queued Submitted",
                "Starting Admitted",
                "Running AllReplicasRunning",
                "Restarting ReplicaFailed",
                "Starting Restarted",
                "Running AllReplicasRunning"));

    assertThat(
            JobConditions.of(events, RUNNING, "AllReplicasRunning", "").stream()
                .map(JobConditionsTest::written))
        .containsExactlyInAnyOrder(
            "Created=True Submitted@0",
            "Suspended=False Admitted@1",
            "Running=True AllReplicasRunning@5");
  }

  @Test
  void eventsThatDoNotChangeThePhaseChangeNoCondition() {
    List<JobEvent> events =
        history(
            List.of(
                "Queued Submitted",
                "Starting Admitted",
                "Succeeded Succeeded",
                "Succeeded ModelRegistered"));

    assertThat(
            JobConditions.of(events, SUCCEEDED, "Succeeded", "").stream()
                .map(JobConditionsTest::written))
        .containsExactlyInAnyOrder(
            "Created=True Submitted@0", "Suspended=False Admitted@1", "Succeeded=True Succeeded@2");
  }

  /** Events one second apart from "Phase Reason" lines. */
  private static List<JobEvent> history(List<String> lines) {
    List<JobEvent> events = new ArrayList<>();
    for (String line : lines) {
      String[] words = line.split(" ");
      events.add(
          new JobEvent(
              T0.plusSeconds(events.size()),
              JobPhase.fromWire(words[0]),
              words[1],
              "message of " + words[1]));
    }
    return events;
  }

  private static String written(Condition c) {
    return c.compact() + "@" + (c.lastTransitionTime().getEpochSecond() - T0.getEpochSecond());
  }
}
