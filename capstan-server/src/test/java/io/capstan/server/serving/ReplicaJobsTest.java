package io.capstan.server.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.job.JobPhase;
import io.capstan.api.job.JobSpec;
import io.capstan.api.serving.ServiceSpec;
import io.capstan.server.job.JobRecord;
import io.capstan.server.job.Workload;
import java.time.Instant;
import java.util.List;
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

    List<JobRecord> orphans =
        ReplicaJobs.orphans(
            List.of(running, orphanRunning, orphanQueued, orphanRestarting), Set.of(kept.uid()));

    assertThat(orphans).containsExactly(orphanRunning, orphanQueued, orphanRestarting);
  }

  @Test
  void afterARestartWithNoServiceLeftEveryReplicaIsAnOrphan() {
    ServiceRecord deleted = service("uid-deleted", "fraud");
    JobRecord replica = replica(deleted, "fraud-v1-a", JobPhase.RUNNING);

    assertThat(ReplicaJobs.orphans(List.of(replica), Set.of())).containsExactly(replica);
  }

  @Test
  void aReplicaRecordsItsServiceAsOwnerAndItsModelAsTypedDataNotAsLabels() {
    ServiceRecord service = service("uid-kept", "churn");
    JobRecord replica = replica(service, "churn-v3-a", JobPhase.RUNNING);

    assertThat(replica.kind()).isEqualTo(ServingReplicaKind.NAME);
    assertThat(replica.owner()).isEqualTo("uid-kept");
    assertThat(ReplicaJobs.version(replica)).isEqualTo(3);
    assertThat(ServingReplica.of(replica).modelArtifact()).isEqualTo("models/vision/m/1.onnx");
    assertThat(replica.spec().labels()).isEmpty();
  }

  @Test
  void aReplicaStoredByAnEarlierVersionFindsItsArtifactUnderTheFileItNamed() {
    JobRecord old =
        new JobRecord.Builder(
                "uid-old",
                "vision",
                "churn-v1-a",
                replica(service("s", "churn"), "churn-v1-a", JobPhase.RUNNING).spec(),
                T0)
            .kind(
                ServingReplicaKind.NAME,
                "s",
                "{\"modelName\":\"m\",\"modelVersion\":1,"
                    + "\"modelFile\":\"/data/artifacts/models/vision/m/1-ab.onnx\"}")
            .phase(JobPhase.RUNNING)
            .build();

    assertThat(ServingReplica.of(old))
        .isEqualTo(new ServingReplica("m", 1, "models/vision/m/1-ab.onnx"));
  }

  private JobRecord replica(ServiceRecord service, String name, JobPhase phase) {
    ServedModel model =
        new ServedModel("m", name.contains("-v3-") ? 3 : 1, "models/vision/m/1.onnx");
    JobSpec spec = replicaJobs.spec(service, model);
    Workload workload = ReplicaJobs.workload(service, model);
    return new JobRecord.Builder("uid-" + name, "vision", name, spec, T0)
        .kind(workload.kind(), workload.owner(), workload.data())
        .phase(phase)
        .build();
  }

  private static ServiceRecord service(String uid, String name) {
    ServiceSpec spec =
        ServiceSpecs.complete(new ServiceSpec(name, "m:1", 1, 1, null, null, null, null));
    return new ServiceRecord(uid, "vision", spec, 1, null, null, 1, 0, T0, T0, 0);
  }
}
