package io.capstan.server.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.error.CapstanException;
import io.capstan.api.job.JobEvent;
import io.capstan.api.job.JobPhase;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.JobStatus;
import io.capstan.api.job.JobView;
import io.capstan.api.job.ReplicaRole;
import io.capstan.api.job.ReplicaStatus;
import io.capstan.api.job.ReplicaTypeStatus;
import io.capstan.jobspec.JobSpecParser;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Kubeflow form of a job compared, field by field, with what the Training Operator reports for
 * the same run: its documentation's {@code pytorch-simple} example (see the fixture's {@code
 * _source}).
 */
class KubeflowJobViewTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /**
   * The Training Operator's examples/pytorch/simple.yaml (v1.8.1), as its documentation runs it.
   */
  private static final String PYTORCH_SIMPLE =
      """
      apiVersion: "kubeflow.org/v1"
      kind: PyTorchJob
      metadata:
        name: pytorch-simple
        namespace: kubeflow
      spec:
        pytorchReplicaSpecs:
          Master:
            replicas: 1
            restartPolicy: OnFailure
            template:
              spec:
                containers:
                  - name: pytorch
                    image: docker.io/kubeflowkatib/pytorch-mnist:v1beta1-45c5727
                    imagePullPolicy: Always
                    command:
                      - "python3"
                      - "/opt/pytorch-mnist/mnist.py"
                      - "--epochs=1"
          Worker:
            replicas: 1
            restartPolicy: OnFailure
            template:
              spec:
                containers:
                  - name: pytorch
                    image: docker.io/kubeflowkatib/pytorch-mnist:v1beta1-45c5727
                    imagePullPolicy: Always
                    command:
                      - "python3"
                      - "/opt/pytorch-mnist/mnist.py"
                      - "--epochs=1"
      """;

  private static final Instant CREATED = Instant.parse("2024-06-21T04:41:27.412Z");
  private static final Instant RUNNING = Instant.parse("2024-06-21T04:53:39.090Z");
  private static final Instant DONE = Instant.parse("2024-06-21T05:00:37.731Z");

  @Test
  void aSucceededPyTorchJobReadsAsTheOperatorReportsIt() throws IOException {
    JobView job =
        view(
            JobPhase.SUCCEEDED,
            List.of(
                new JobEvent(CREATED, JobPhase.QUEUED, "Submitted", "submitted"),
                new JobEvent(CREATED, JobPhase.STARTING, "Admitted", "admitted"),
                new JobEvent(RUNNING, JobPhase.RUNNING, "AllReplicasRunning", "2 replicas"),
                new JobEvent(DONE, JobPhase.SUCCEEDED, "Succeeded", "master-0 exited 0")),
            List.of(
                replica("master-0", ReplicaRole.MASTER, ReplicaStatus.SUCCEEDED),
                replica("worker-0", ReplicaRole.WORKER, ReplicaStatus.SUCCEEDED)));

    JsonNode actual = JSON.valueToTree(KubeflowJobView.of(job));
    JsonNode expected = fixture("kubeflow/pytorch-simple-succeeded.json");

    assertThat(actual.get("apiVersion")).isEqualTo(expected.get("apiVersion"));
    assertThat(actual.get("kind")).isEqualTo(expected.get("kind"));
    for (int i = 0; i < expected.get("status").get("conditions").size(); i++) {
      assertThat(actual.get("status").get("conditions").get(i))
          .as("condition %d", i)
          .isEqualTo(expected.get("status").get("conditions").get(i));
    }
    assertThat(actual.get("status").get("replicaStatuses"))
        .isEqualTo(expected.get("status").get("replicaStatuses"));
    assertThat(actual.get("status")).isEqualTo(expected.get("status"));
    assertThat(actual.get("metadata").get("namespace").asString()).isEqualTo("kubeflow");
  }

  @Test
  void aRunningJobAndARestartingOneReadAsTheOperatorsToo() {
    List<JobEvent> started =
        List.of(
            new JobEvent(CREATED, JobPhase.QUEUED, "Submitted", "submitted"),
            new JobEvent(CREATED, JobPhase.STARTING, "Admitted", "admitted"),
            new JobEvent(RUNNING, JobPhase.RUNNING, "AllReplicasRunning", "2 replicas"));
    JobView running =
        view(
            JobPhase.RUNNING,
            started,
            List.of(
                replica("master-0", ReplicaRole.MASTER, ReplicaStatus.RUNNING),
                replica("worker-0", ReplicaRole.WORKER, ReplicaStatus.RUNNING)));

    JsonNode status = JSON.valueToTree(KubeflowJobView.of(running)).get("status");

    assertThat(status.get("conditions").get(1).get("reason").asString())
        .isEqualTo("PyTorchJobRunning");
    assertThat(status.get("conditions").get(1).get("status").asString()).isEqualTo("True");
    assertThat(status.get("replicaStatuses").get("Worker").get("active").asInt()).isEqualTo(1);
    assertThat(status.has("completionTime")).isFalse();

    List<JobEvent> restarted = new java.util.ArrayList<>(started);
    restarted.add(new JobEvent(DONE, JobPhase.RESTARTING, "ReplicaFailed", "worker-0 exited 1"));
    JobView restarting =
        view(
            JobPhase.RESTARTING,
            restarted,
            List.of(
                replica("master-0", ReplicaRole.MASTER, ReplicaStatus.STOPPED),
                replica("worker-0", ReplicaRole.WORKER, ReplicaStatus.FAILED)));
    JsonNode condition =
        JSON.valueToTree(KubeflowJobView.of(restarting)).get("status").get("conditions").get(1);
    assertThat(condition.get("type").asString()).isEqualTo("Restarting");
    assertThat(condition.get("reason").asString()).isEqualTo("PyTorchJobRestarting");
    assertThat(condition.get("message").asString())
        .isEqualTo("PyTorchJob pytorch-simple is restarting because 1 Worker replica(s) failed.");
  }

  @Test
  void aFailedJobCarriesTheOperatorsFailureMessages() {
    List<JobEvent> events =
        List.of(
            new JobEvent(CREATED, JobPhase.QUEUED, "Submitted", "submitted"),
            new JobEvent(CREATED, JobPhase.STARTING, "Admitted", "admitted"),
            new JobEvent(DONE, JobPhase.FAILED, "BackoffLimitExceeded", "3 restarts"));
    JobView failed =
        view(
            JobPhase.FAILED,
            events,
            List.of(
                replica("master-0", ReplicaRole.MASTER, ReplicaStatus.FAILED),
                replica("worker-0", ReplicaRole.WORKER, ReplicaStatus.STOPPED)));

    JsonNode status = JSON.valueToTree(KubeflowJobView.of(failed)).get("status");

    JsonNode condition = status.get("conditions").get(1);
    assertThat(condition.get("type").asString()).isEqualTo("Failed");
    assertThat(condition.get("reason").asString()).isEqualTo("PyTorchJobFailed");
    assertThat(condition.get("message").asString())
        .isEqualTo(
            "Job pytorch-simple has failed because it has reached the specified backoff limit");
    assertThat(status.get("replicaStatuses").get("Master").get("failed").asInt()).isEqualTo(1);
    assertThat(status.get("replicaStatuses").get("Worker").has("failed"))
        .as("a replica Capstan stopped counts nowhere")
        .isFalse();
  }

  @Test
  void aTfJobReadsAsTheTfJobControllerWritesIt() {
    JobSpec spec =
        new JobSpecParser()
            .parse(
                """
                apiVersion: kubeflow.org/v1
                kind: TFJob
                metadata: {name: dist-mnist}
                spec:
                  tfReplicaSpecs:
                    PS:
                      template: {spec: {containers: [{name: tensorflow, command: [python, m.py]}]}}
                    Worker:
                      replicas: 2
                      template: {spec: {containers: [{name: tensorflow, command: [python, m.py]}]}}
                """);
    List<JobEvent> events =
        List.of(
            new JobEvent(CREATED, JobPhase.QUEUED, "Submitted", "submitted"),
            new JobEvent(CREATED, JobPhase.STARTING, "Admitted", "admitted"),
            new JobEvent(RUNNING, JobPhase.RUNNING, "AllReplicasRunning", "3 replicas"),
            new JobEvent(DONE, JobPhase.FAILED, "ReplicaFailed", "worker-1 exited 1"));
    List<ReplicaStatus> replicas =
        List.of(
            replica("ps-0", ReplicaRole.PS, ReplicaStatus.STOPPED),
            replica("worker-0", ReplicaRole.WORKER, ReplicaStatus.STOPPED),
            replica("worker-1", ReplicaRole.WORKER, ReplicaStatus.FAILED));
    JobStatus status =
        new JobStatus(
            JobPhase.FAILED,
            "ReplicaFailed",
            "worker-1 exited 1",
            CREATED,
            CREATED,
            DONE,
            0,
            replicas,
            List.of(),
            null,
            null,
            JobConditions.of(events, JobPhase.FAILED, "ReplicaFailed", "worker-1 exited 1"),
            ReplicaTypeStatus.byType(replicas));

    JsonNode view =
        JSON.valueToTree(
            KubeflowJobView.of(new JobView("dist-mnist", "team", "uid-2", spec, status, events)));

    JsonNode conditions = view.get("status").get("conditions");
    assertThat(conditions.get(0).get("message").asString())
        .isEqualTo("TFJob dist-mnist is created.");
    assertThat(conditions.get(1).get("message").asString())
        .isEqualTo("TFJob team/dist-mnist is running.");
    assertThat(conditions.get(2).get("reason").asString()).isEqualTo("TFJobFailed");
    assertThat(conditions.get(2).get("message").asString())
        .isEqualTo("TFJob team/dist-mnist has failed because 1 Worker replica(s) failed.");
    assertThat(view.get("status").get("replicaStatuses").get("PS").isEmpty())
        .as("no selector: only the PyTorchJob controller sets one")
        .isTrue();
  }

  @Test
  void kindsTheOperatorDoesNotReportAreRefused() {
    JobSpec trainJob =
        new JobSpecParser()
            .parse(
                """
                apiVersion: trainer.kubeflow.org/v1alpha1
                kind: TrainJob
                metadata: {name: t}
                spec:
                  runtimeRef: {name: torch-distributed}
                  trainer: {numNodes: 1, command: [torchrun, train.py]}
                """);
    JobView job =
        new JobView(
            "t",
            "kubeflow",
            "uid-1",
            trainJob,
            new JobStatus(
                JobPhase.QUEUED,
                null,
                null,
                CREATED,
                null,
                null,
                0,
                List.of(),
                List.of(),
                null,
                null,
                List.of(),
                null),
            List.of());

    assertThatThrownBy(() -> KubeflowJobView.of(job))
        .isInstanceOf(CapstanException.class)
        .hasMessage(
            "Expected a PyTorchJob, TFJob, MPIJob or Job for form=kubeflow, but job 't' is a"
                + " TrainJob");
  }

  private static JobView view(JobPhase phase, List<JobEvent> events, List<ReplicaStatus> replicas) {
    JobSpec spec = new JobSpecParser().parse(PYTORCH_SIMPLE);
    JobEvent last = events.get(events.size() - 1);
    JobStatus status =
        new JobStatus(
            phase,
            last.reason(),
            last.message(),
            CREATED,
            CREATED,
            phase.isTerminal() ? DONE : null,
            0,
            replicas,
            List.of(),
            JobLauncher.CHECKPOINT_DIR,
            JobLauncher.OUTPUT_DIR,
            JobConditions.of(events, phase, last.reason(), last.message()),
            ReplicaTypeStatus.byType(replicas));
    return new JobView("pytorch-simple", "kubeflow", "uid-1", spec, status, events);
  }

  private static ReplicaStatus replica(String name, ReplicaRole role, String state) {
    return new ReplicaStatus(name, role, 0, state, null, 1, List.of(), CREATED, null, null);
  }

  private static JsonNode fixture(String name) throws IOException {
    try (InputStream in = KubeflowJobViewTest.class.getClassLoader().getResourceAsStream(name)) {
      ObjectNode node = (ObjectNode) JSON.readTree(in);
      node.remove("_source");
      return node;
    }
  }
}
