package io.capstan.server.job;

import static io.capstan.server.job.JobFixture.job;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.job.Framework;
import io.capstan.api.job.JobPhase;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.ReplicaRole;
import io.capstan.api.job.ReplicaStatus;
import io.capstan.api.job.ReplicaTypeStatus;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.runtime.ReplicaPhase;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Replicas that Capstan stopped (parameter servers, evaluators, MPI workers of a job that ended;
 * the others of a preempted or restarting job) are Stopped, not Failed; pass by pass as the
 * controller records them.
 */
class ReplicaStatusesTest {
  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");
  private static final JobSpec TF =
      job("tf")
          .framework(Framework.TENSORFLOW)
          .group(ReplicaRole.PS, 1)
          .group(ReplicaRole.WORKER, 2)
          .group(ReplicaRole.EVALUATOR, 1)
          .build();

  @Test
  void parameterServerAndEvaluatorStoppedAfterTheWorkersSucceededAreStoppedNotFailed() {
    Observed observed =
        new Observed()
            .replica("ps-0", ReplicaPhase.RUNNING, null)
            .replica("worker-0", ReplicaPhase.RUNNING, null)
            .replica("worker-1", ReplicaPhase.RUNNING, null)
            .replica("evaluator-0", ReplicaPhase.RUNNING, null);
    List<ReplicaStatus> running =
        ReplicaStatuses.of(record(TF, JobPhase.RUNNING), observed.now(), List.of());
    observed
        .replica("worker-0", ReplicaPhase.SUCCEEDED, 0)
        .replica("worker-1", ReplicaPhase.SUCCEEDED, 0);
    // The pass that decides success records the helpers still running.
    List<ReplicaStatus> decided =
        ReplicaStatuses.of(record(TF, JobPhase.RUNNING), observed.now(), running);
    observed
        .replica("ps-0", ReplicaPhase.FAILED, 143)
        .replica("evaluator-0", ReplicaPhase.FAILED, 137);

    List<ReplicaStatus> finished =
        ReplicaStatuses.of(record(TF, JobPhase.SUCCEEDED), observed.now(), decided);

    assertThat(finished)
        .extracting(ReplicaStatus::name, ReplicaStatus::state, ReplicaStatus::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("ps-0", "Stopped", "JobFinished"),
            org.assertj.core.groups.Tuple.tuple("worker-0", "Succeeded", null),
            org.assertj.core.groups.Tuple.tuple("worker-1", "Succeeded", null),
            org.assertj.core.groups.Tuple.tuple("evaluator-0", "Stopped", "JobFinished"));
    assertThat(finished.get(0).message()).isEqualTo("stopped because the job succeeded (exit 143)");
    assertThat(finished.get(0).exitCode()).isEqualTo(143);
    assertThat(ReplicaTypeStatus.byType(finished))
        .containsExactly(
            Map.entry("PS", new ReplicaTypeStatus(0, 0, 0, 1)),
            Map.entry("Worker", new ReplicaTypeStatus(0, 2, 0, 0)),
            Map.entry("Evaluator", new ReplicaTypeStatus(0, 0, 0, 1)));
    assertThat(ReplicaStatuses.of(record(TF, JobPhase.SUCCEEDED), observed.now(), finished))
        .as("a later pass (or a restarted server reading the store) keeps them Stopped")
        .isEqualTo(finished);
  }

  @Test
  void theReplicaThatFailedTheJobIsFailedAndTheOthersStoppedWithItAreStopped() {
    Observed observed =
        new Observed()
            .replica("ps-0", ReplicaPhase.RUNNING, null)
            .replica("worker-0", ReplicaPhase.RUNNING, null)
            .replica("worker-1", ReplicaPhase.FAILED, 3)
            .replica("evaluator-0", ReplicaPhase.RUNNING, null);
    List<ReplicaStatus> decided =
        ReplicaStatuses.of(record(TF, JobPhase.RUNNING), observed.now(), List.of());
    assertThat(decided.get(2).state()).as("a failure while the job runs").isEqualTo("Failed");
    observed
        .replica("ps-0", ReplicaPhase.FAILED, 143)
        .replica("worker-0", ReplicaPhase.FAILED, 143)
        .replica("evaluator-0", ReplicaPhase.FAILED, 143);

    List<ReplicaStatus> finished =
        ReplicaStatuses.of(record(TF, JobPhase.FAILED), observed.now(), decided);

    assertThat(finished)
        .extracting(ReplicaStatus::state)
        .containsExactly("Stopped", "Stopped", "Failed", "Stopped");
    assertThat(finished.get(1).message()).startsWith("stopped because the job failed");
    assertThat(ReplicaTypeStatus.byType(finished).get("Worker"))
        .isEqualTo(new ReplicaTypeStatus(0, 0, 1, 1));
  }

  @Test
  void mpiWorkersStoppedAfterTheLauncherSucceededAreStopped() {
    JobSpec mpi =
        job("pi")
            .framework(Framework.MPI)
            .group(ReplicaRole.LAUNCHER, 1)
            .group(ReplicaRole.WORKER, 2)
            .build();
    Observed observed =
        new Observed()
            .replica("launcher-0", ReplicaPhase.SUCCEEDED, 0)
            .replica("worker-0", ReplicaPhase.RUNNING, null)
            .replica("worker-1", ReplicaPhase.RUNNING, null);
    List<ReplicaStatus> decided =
        ReplicaStatuses.of(record(mpi, JobPhase.RUNNING), observed.now(), List.of());
    observed
        .replica("worker-0", ReplicaPhase.FAILED, 143)
        .replica("worker-1", ReplicaPhase.LOST, null);

    List<ReplicaStatus> finished =
        ReplicaStatuses.of(record(mpi, JobPhase.SUCCEEDED), observed.now(), decided);

    assertThat(ReplicaTypeStatus.byType(finished))
        .containsExactly(
            Map.entry("Launcher", new ReplicaTypeStatus(0, 1, 0, 0)),
            Map.entry("Worker", new ReplicaTypeStatus(0, 0, 0, 2)));
  }

  @Test
  void replicasStoppedForAPreemptionOrAGangRestartSaySo() {
    JobSpec ddp = job("ddp").group(ReplicaRole.WORKER, 2).build();
    Observed observed =
        new Observed()
            .replica("worker-0", ReplicaPhase.RUNNING, null)
            .replica("worker-1", ReplicaPhase.RUNNING, null);
    List<ReplicaStatus> running =
        ReplicaStatuses.of(record(ddp, JobPhase.RUNNING), observed.now(), List.of());
    observed
        .replica("worker-0", ReplicaPhase.FAILED, 143)
        .replica("worker-1", ReplicaPhase.FAILED, 143);

    List<ReplicaStatus> preempted =
        ReplicaStatuses.of(record(ddp, JobPhase.QUEUED), observed.now(), running);
    List<ReplicaStatus> restarting =
        ReplicaStatuses.of(record(ddp, JobPhase.RESTARTING), observed.now(), running);

    assertThat(preempted).extracting(ReplicaStatus::reason).containsOnly("Preempted");
    assertThat(preempted.get(0).message()).startsWith("stopped because the job was preempted");
    assertThat(restarting).extracting(ReplicaStatus::reason).containsOnly("Restarting");
    assertThat(restarting).extracting(ReplicaStatus::state).containsOnly("Stopped");
  }

  @Test
  void aReplicaThatFailsWhileTheJobIsActiveIsFailedWhateverItWasBefore() {
    JobSpec ddp = job("ddp").group(ReplicaRole.WORKER, 1).build();
    Observed observed = new Observed().replica("worker-0", ReplicaPhase.RUNNING, null);
    List<ReplicaStatus> running =
        ReplicaStatuses.of(record(ddp, JobPhase.RUNNING), observed.now(), List.of());
    observed.replica("worker-0", ReplicaPhase.FAILED, 1);

    assertThat(ReplicaStatuses.of(record(ddp, JobPhase.RUNNING), observed.now(), running))
        .extracting(ReplicaStatus::state, ReplicaStatus::reason)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("Failed", null));
  }

  @Test
  void replicasOfAJobCancelledBeforeItStartedNeverStarted() {
    JobSpec ddp = job("ddp").group(ReplicaRole.WORKER, 2).build();

    List<ReplicaStatus> cancelled =
        ReplicaStatuses.of(record(ddp, JobPhase.CANCELLED), Map.of(), List.of());

    assertThat(cancelled).extracting(ReplicaStatus::state).containsOnly("Stopped");
    assertThat(cancelled.get(0).message()).isEqualTo("never started: the job was cancelled");
    assertThat(ReplicaTypeStatus.byType(cancelled))
        .containsExactly(Map.entry("Worker", new ReplicaTypeStatus(0, 0, 0, 2)));
  }

  private static JobRecord record(JobSpec spec, JobPhase phase) {
    return new JobRecord.Builder("tf-1", "vision", spec.name(), spec, T0)
        .phase(phase)
        .startedAt(T0)
        .finishedAt(phase.isTerminal() ? T0.plusSeconds(60) : null)
        .attempt(1)
        .build();
  }

  /** What the runtime observes, replica by replica, changed between passes. */
  private static final class Observed {
    private final Map<String, ReplicaObservation> replicas = new LinkedHashMap<>();

    Observed replica(String name, ReplicaPhase phase, Integer exitCode) {
      replicas.put(
          name,
          new ReplicaObservation(
              new ReplicaId("tf-1", name),
              1,
              phase,
              exitCode,
              T0,
              phase.isFinished() ? T0.plusSeconds(61) : null,
              exitCode == null || exitCode == 0 ? null : "exit " + exitCode));
      return this;
    }

    Map<String, ReplicaObservation> now() {
      return Map.copyOf(replicas);
    }
  }
}
