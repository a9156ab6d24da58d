package io.capstan.server.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.job.JobPhase;
import io.capstan.api.job.JobSpec;
import io.capstan.api.serving.ServiceSpec;
import io.capstan.server.job.JobRecord;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Replica jobs as the serving controller builds them, and which of them have lost their service.
 */
class ReplicaJobsTest {
  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

  private final ReplicaJobs replicaJobs = new ReplicaJobs("java");

  @Test
  void aReplicaWhoseServiceIsGoneIsAnOrphanWhateverItsPhase() {
    ServiceRecord kept = service("uid-kept", "churn");
    ServiceRecord deleted = service("uid-deleted", "fraud");
    JobRecord running = replica(kept, "churn-v1-a", JobPhase.RUNNING);
    JobRecord orphanRunning = replica(deleted, "fraud-v1-a", JobPhase.RUNNING);
    JobRecord orphanQueued = replica(deleted, "fraud-v1-b", JobPhase.QUEUED);
    JobRecord orphanRestarting = replica(deleted, "fraud-v1-c", JobPhase.RESTARTING);
    JobSpec plain = running.spec();
    JobRecord training =
        job(
            "train-1",
            new JobSpec(
                "train-1",
                plain.framework(),
                "TrainingJob",
                plain.replicaGroups(),
                0,
                null,
                null,
                Map.of(),
                0));

    List<JobRecord> orphans =
        ReplicaJobs.orphans(
            List.of(running, orphanRunning, orphanQueued, orphanRestarting, training),
            Set.of(kept.uid()));

    assertThat(orphans).containsExactly(orphanRunning, orphanQueued, orphanRestarting);
  }

  @Test
  void afterARestartWithNoServiceLeftEveryReplicaIsAnOrphan() {
    ServiceRecord deleted = service("uid-deleted", "fraud");
    JobRecord replica = replica(deleted, "fraud-v1-a", JobPhase.RUNNING);

    assertThat(ReplicaJobs.orphans(List.of(replica), Set.of())).containsExactly(replica);
  }

  private JobRecord replica(ServiceRecord service, String name, JobPhase phase) {
    JobSpec spec = replicaJobs.spec(service, new ServedModel("m", 1, Path.of("/models/m.onnx")));
    assertThat(ReplicaJobs.belongsTo(job(name, spec), service)).isTrue();
    return withPhase(job(name, spec), phase);
  }

  private static ServiceRecord service(String uid, String name) {
    ServiceSpec spec =
        ServiceSpecs.complete(new ServiceSpec(name, "m:1", 1, 1, null, null, null, null));
    return new ServiceRecord(uid, "vision", spec, 1, null, null, 1, 0, T0, T0);
  }

  private static JobRecord job(String name, JobSpec spec) {
    return new JobRecord.Builder("uid-" + name, "vision", name, spec, T0).build();
  }

  private static JobRecord withPhase(JobRecord job, JobPhase phase) {
    return new JobRecord.Builder(job.uid(), job.project(), job.name(), job.spec(), T0)
        .phase(phase)
        .build();
  }
}
