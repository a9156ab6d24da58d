package io.capstan.cli.job;

import io.capstan.api.job.Framework;
import io.capstan.api.job.JobEvent;
import io.capstan.api.job.JobPhase;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.JobStatus;
import io.capstan.api.job.JobView;
import io.capstan.api.job.ReplicaGroupSpec;
import io.capstan.api.job.ReplicaRole;
import io.capstan.api.job.ReplicaStatus;
import io.capstan.api.job.ReplicaTypeStatus;
import io.capstan.api.job.Resources;
import io.capstan.api.job.RestartPolicy;
import io.capstan.api.job.TrainerStatus;
import io.capstan.api.status.Condition;
import io.capstan.api.status.ConditionStatus;
import io.capstan.cli.TestingCli;
import io.capstan.cli.client.WireCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Fluent builder of {@link JobView}s as the server sends them: {@code job("a").running(2)}. */
final class JobFixture {
  private final String name;
  private JobPhase phase = JobPhase.QUEUED;
  private String reason;
  private String message;
  private int workers = 1;
  private int gpusPerWorker;
  private int restarts;
  private int processesPerNode = 1;
  private boolean launcher;
  private Duration age = Duration.ofMinutes(3);
  private final List<ReplicaStatus> replicas = new ArrayList<>();
  private final List<JobEvent> events = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  private final List<Condition> conditions = new ArrayList<>();
  private TrainerStatus progress;

  private JobFixture(String name) {
    this.name = name;
  }

  static JobFixture job(String name) {
    return new JobFixture(name);
  }

  JobFixture phase(JobPhase phase) {
    this.phase = phase;
    return this;
  }

  JobFixture reason(String reason, String message) {
    this.reason = reason;
    this.message = message;
    return this;
  }

  JobFixture workers(int workers, int gpusPerWorker) {
    this.workers = workers;
    this.gpusPerWorker = gpusPerWorker;
    return this;
  }

  JobFixture restarts(int restarts) {
    this.restarts = restarts;
    return this;
  }

  JobFixture age(Duration age) {
    this.age = age;
    return this;
  }

  JobFixture replica(String replica, String state, Integer exitCode, Integer... gpus) {
    replicas.add(
        new ReplicaStatus(
            replica,
            ReplicaRole.WORKER,
            replicas.size(),
            state,
            exitCode,
            1 + restarts,
            Arrays.asList(gpus),
            created(),
            exitCode == null ? null : TestingCli.NOW,
            null));
    return this;
  }

  /** A replica in {@code state} with a {@code reason}, e.g. Stopped because the job finished. */
  JobFixture replica(String replica, ReplicaRole role, String state, Integer exitCode, String why) {
    replicas.add(
        new ReplicaStatus(
            replica,
            role,
            replicas.size(),
            state,
            exitCode,
            1 + restarts,
            List.of(),
            created(),
            exitCode == null ? null : TestingCli.NOW,
            null,
            why));
    return this;
  }

  JobFixture condition(String type, boolean holds, String conditionReason) {
    conditions.add(
        new Condition(
            type, ConditionStatus.of(holds), conditionReason, null, TestingCli.NOW.minus(age)));
    return this;
  }

  JobFixture event(Duration ago, JobPhase eventPhase, String eventReason, String eventMessage) {
    events.add(new JobEvent(TestingCli.NOW.minus(ago), eventPhase, eventReason, eventMessage));
    return this;
  }

  /** The progress the job reported {@code ago}. */
  JobFixture progress(int percent, Long etaSeconds, Duration ago) {
    this.progress = new TrainerStatus(percent, etaSeconds, "worker-0", TestingCli.NOW.minus(ago));
    return this;
  }

  JobFixture warning(String warning) {
    warnings.add(warning);
    return this;
  }

  /** An MPI job: a launcher, then the workers. */
  JobFixture launcher() {
    this.launcher = true;
    return this;
  }

  JobFixture processesPerNode(int value) {
    this.processesPerNode = value;
    return this;
  }

  JobView build() {
    ReplicaGroupSpec group =
        new ReplicaGroupSpec(
            ReplicaRole.WORKER,
            workers,
            "host",
            List.of("python", "train.py"),
            List.of(),
            null,
            new Resources(1000, 1L << 30, gpusPerWorker),
            RestartPolicy.ON_FAILURE);
    List<ReplicaGroupSpec> groups = new ArrayList<>();
    if (launcher) {
      groups.add(
          new ReplicaGroupSpec(
              ReplicaRole.LAUNCHER,
              1,
              "host",
              List.of("mpirun", "python", "train.py"),
              List.of(),
              null,
              new Resources(1000, 1L << 30, 0),
              RestartPolicy.ON_FAILURE));
    }
    groups.add(group);
    JobSpec spec =
        JobSpec.builder(name, launcher ? Framework.MPI : Framework.PYTORCH, "TrainingJob")
            .replicaGroups(groups)
            .backoffLimit(3)
            .processesPerNode(processesPerNode)
            .build();
    JobStatus status =
        new JobStatus(
            phase,
            reason,
            message,
            created(),
            phase == JobPhase.QUEUED ? null : created(),
            phase.isTerminal() ? TestingCli.NOW : null,
            restarts,
            replicas,
            warnings,
            "/capstan/checkpoints",
            "/capstan/output",
            conditions,
            ReplicaTypeStatus.byType(replicas),
            progress);
    return new JobView(name, "default", "uid-" + name, spec, status, events);
  }

  String json() {
    return new WireCodec().toJson(build());
  }

  static String array(JobFixture... jobs) {
    return new WireCodec().toJson(Arrays.stream(jobs).map(JobFixture::build).toList());
  }

  private Instant created() {
    return TestingCli.NOW.minus(age);
  }
}
