package io.capstan.jobspec;

import static io.capstan.jobspec.TestingSpecs.assertInvalid;
import static io.capstan.jobspec.TestingSpecs.parser;
import static io.capstan.jobspec.TestingSpecs.replaceOnce;
import static io.capstan.jobspec.TestingSpecs.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.job.Framework;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.JobSuccessPolicy;
import io.capstan.api.job.ReplicaGroupSpec;
import io.capstan.api.job.ReplicaRole;
import io.capstan.api.job.Resources;
import io.capstan.api.job.RestartPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kubeflow v1 TFJobs, as users apply them to a cluster. */
class TFJobFormatTest {
  private static final String IMAGE = "kubeflow/tf-dist-mnist-test:latest";
  private static final String SCRIPT = "/var/tf_dist_mnist/dist_mnist.py";

  private static String distMnist() {
    return resource("tfjob-dist-mnist.yaml");
  }

  @Test
  void parsesChiefPsAndWorkersInRankOrder() {
    JobSpec spec = parser().parse(distMnist());

    assertThat(spec)
        .isEqualTo(
            JobSpec.builder("dist-mnist-for-e2e-test", Framework.TENSORFLOW, "TFJob")
                .replicaGroups(
                    List.of(
                        new ReplicaGroupSpec(
                            ReplicaRole.CHIEF,
                            1,
                            IMAGE,
                            List.of("python", SCRIPT),
                            List.of(),
                            Map.of(),
                            Resources.NONE,
                            RestartPolicy.ON_FAILURE),
                        new ReplicaGroupSpec(
                            ReplicaRole.PS,
                            2,
                            IMAGE,
                            List.of("python", SCRIPT),
                            List.of(),
                            Map.of("GRPC_VERBOSITY", "ERROR"),
                            Resources.NONE,
                            RestartPolicy.NEVER),
                        new ReplicaGroupSpec(
                            ReplicaRole.WORKER,
                            3,
                            IMAGE,
                            List.of("python", SCRIPT, "--train_steps=100"),
                            List.of(),
                            Map.of(),
                            new Resources(1500, 1_000_000_000L, 0),
                            RestartPolicy.ON_FAILURE)))
                .backoffLimit(JobSpec.NO_BACKOFF_LIMIT) // none set: the operator sets no limit
                .successPolicy(JobSuccessPolicy.ALL_WORKERS)
                .build());
  }

  @Test
  void readsMasterAsMasterAsTheOperatorDoes() {
    JobSpec spec = parser().parse(replaceOnce(distMnist(), "    Chief:", "    Master:"));

    assertThat(spec.replicaGroups().get(0).role()).isEqualTo(ReplicaRole.MASTER);
    assertThat(spec.replicaGroups().get(0).replicaName(0)).isEqualTo("master-0");
  }

  @Test
  void acceptsTheDefaultSuccessPolicy() {
    JobSpec spec =
        parser()
            .parse(replaceOnce(distMnist(), "successPolicy: AllWorkers", "successPolicy: \"\""));

    assertThat(spec.labels()).isEmpty();
  }

  @Test
  void rejectsChiefAndMasterTogether() {
    String text =
        replaceOnce(
            distMnist(),
            "  tfReplicaSpecs:\n",
            "  tfReplicaSpecs:\n    Master: {template: {spec: {containers: [{command: [x]}]}}}\n");

    assertInvalid(
        text,
        "spec.tfReplicaSpecs.Chief",
        "Expected at most one Chief or Master in spec.tfReplicaSpecs, but found both 'Master' and"
            + " 'Chief'");
  }

  @Test
  void rejectsSeveralChiefs() {
    String text =
        replaceOnce(
            distMnist(), "      replicas: 1\n      restartPolicy: OnFailure", "      replicas: 2");

    assertInvalid(
        text,
        "spec.tfReplicaSpecs.Chief.replicas",
        "Expected replica count of 'chief' to be 1 (a job has one chief), but was 2");
  }

  @Test
  void rejectsUnknownSuccessPolicies() {
    assertInvalid(
        replaceOnce(distMnist(), "successPolicy: AllWorkers", "successPolicy: ChiefOnly"),
        "spec.successPolicy",
        "Expected spec.successPolicy to be '' or 'AllWorkers', but was 'ChiefOnly'");
  }

  @Test
  void rejectsUnknownReplicaTypes() {
    assertInvalid(
        replaceOnce(distMnist(), "    PS:", "    ParameterServer:"),
        "spec.tfReplicaSpecs.ParameterServer",
        "Expected the replica types of spec.tfReplicaSpecs to be among Chief, Master, PS, Worker,"
            + " Evaluator, but found 'ParameterServer'");
  }
}
