package io.capstan.jobspec;

import static io.capstan.jobspec.TestingSpecs.assertInvalid;
import static io.capstan.jobspec.TestingSpecs.parser;
import static io.capstan.jobspec.TestingSpecs.replaceOnce;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.job.Framework;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.MpiLayout;
import io.capstan.api.job.ReplicaGroupSpec;
import io.capstan.api.job.ReplicaRole;
import io.capstan.api.job.Resources;
import io.capstan.api.job.RestartPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Training Operator's {@code kubeflow.org/v1} MPIJobs, as users apply them. */
class MpiJobV1FormatTest {
  /** The Training Operator's examples/mpi/tensorflow-mnist.yaml (v1.8.1), mpirun's flags cut. */
  private static final String TENSORFLOW_MNIST =
      """
      apiVersion: kubeflow.org/v1
      kind: MPIJob
      metadata:
        name: tensorflow-mnist
      spec:
        slotsPerWorker: 1
        runPolicy:
          cleanPodPolicy: Running
        mpiReplicaSpecs:
          Launcher:
            replicas: 1
            template:
              spec:
                containers:
                - image: horovod/horovod:0.28.1
                  name: mpi
                  command:
                  - mpirun
                  args:
                  - -np
                  - "2"
                  - python
                  - /horovod/examples/tensorflow2/tensorflow2_mnist.py
                  resources:
                    limits:
                      cpu: 1
                      memory: 2Gi
          Worker:
            replicas: 2
            template:
              spec:
                containers:
                - image: horovod/horovod:0.28.1
                  name: mpi
                  resources:
                    limits:
                      cpu: 2
                      memory: 4Gi
      """;

  @Test
  void parsesTheOperatorsExampleWithItsV1Defaults() {
    JobSpec spec = parser().parse(TENSORFLOW_MNIST);

    assertThat(spec)
        .isEqualTo(
            JobSpec.builder("tensorflow-mnist", Framework.MPI, "MPIJob")
                .replicaGroups(
                    List.of(
                        new ReplicaGroupSpec(
                            ReplicaRole.LAUNCHER,
                            1,
                            "horovod/horovod:0.28.1",
                            List.of("mpirun"),
                            List.of(
                                "-np",
                                "2",
                                "python",
                                "/horovod/examples/tensorflow2/tensorflow2_mnist.py"),
                            Map.of(),
                            new Resources(1000, 2L << 30, 0),
                            RestartPolicy.NEVER),
                        new ReplicaGroupSpec(
                            ReplicaRole.WORKER,
                            2,
                            "horovod/horovod:0.28.1",
                            List.of("sleep", "365d"),
                            List.of(),
                            Map.of(),
                            new Resources(2000, 4L << 30, 0),
                            RestartPolicy.NEVER)))
                .backoffLimit(JobSpec.NO_BACKOFF_LIMIT)
                .mpi(new MpiLayout(1, false))
                .build());
  }

  @Test
  void aLauncherWithAGpuLimitIsAnMpiHostAsInTheOperator() {
    String gpuLauncher =
        replaceOnce(TENSORFLOW_MNIST, "cpu: 1\n", "cpu: 1\n                nvidia.com/gpu: 1\n");

    assertThat(parser().parse(gpuLauncher).mpi()).isEqualTo(new MpiLayout(1, true));
    String launcherOnly =
        gpuLauncher
            .substring(0, gpuLauncher.indexOf("    Worker:"))
            .replace("slotsPerWorker: 1", "slotsPerWorker: 2");
    assertThat(parser().parse(launcherOnly).mpi()).isEqualTo(new MpiLayout(2, true));
  }

  @Test
  void refusesWhatTheOperatorWouldNotRun() {
    assertInvalid(
        TENSORFLOW_MNIST.substring(0, TENSORFLOW_MNIST.indexOf("    Worker:")),
        "spec.mpiReplicaSpecs.Worker",
        "Expected spec.mpiReplicaSpecs.Worker to be set, or the Launcher to have a GPU limit (which"
            + " makes it an MPI host), but neither is: mpirun would have no host to start ranks on");
    assertInvalid(
        replaceOnce(TENSORFLOW_MNIST, "cleanPodPolicy: Running", "cleanPodPolicy: Sometimes"),
        "spec.runPolicy.cleanPodPolicy",
        "Expected spec.runPolicy.cleanPodPolicy to be one of None, Running, All, but was"
            + " 'Sometimes'");
  }

  @Test
  void keepsTheSetBackoffLimit() {
    String limited =
        replaceOnce(TENSORFLOW_MNIST, "  runPolicy:\n", "  runPolicy:\n    backoffLimit: 2\n");

    assertThat(parser().parse(limited).backoffLimit()).isEqualTo(2);
  }
}
