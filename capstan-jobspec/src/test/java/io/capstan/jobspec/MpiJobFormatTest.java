package io.capstan.jobspec;

import static io.capstan.jobspec.TestingSpecs.assertInvalid;
import static io.capstan.jobspec.TestingSpecs.invalid;
import static io.capstan.jobspec.TestingSpecs.parser;
import static io.capstan.jobspec.TestingSpecs.replaceOnce;
import static io.capstan.jobspec.TestingSpecs.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.job.Framework;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.ModelOutput;
import io.capstan.api.job.MpiLayout;
import io.capstan.api.job.ReplicaGroupSpec;
import io.capstan.api.job.ReplicaRole;
import io.capstan.api.job.Resources;
import io.capstan.api.job.RestartPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The MPI Operator's v2beta1 MPIJobs, as users apply them. */
class MpiJobFormatTest {
  private static final String MINIMAL =
      """
      apiVersion: kubeflow.org/v2beta1
      kind: MPIJob
      metadata: {name: minimal}
      spec:
        mpiReplicaSpecs:
          Launcher:
            template:
              spec:
                containers:
                - command: [mpirun, python3, pi.py]
          Worker:
            replicas: 2
            template:
              spec:
                containers:
                - image: mpi-pi
      """;

  private static String pi() {
    return resource("mpijob-pi.yaml");
  }

  @Test
  void parsesAnMpiJobIntoTheLauncherThenItsWorkers() {
    JobSpec spec = parser().parse(pi());

    assertThat(spec)
        .isEqualTo(
            JobSpec.builder("pi", Framework.MPI, "MPIJob")
                .replicaGroups(
                    List.of(
                        new ReplicaGroupSpec(
                            ReplicaRole.LAUNCHER,
                            1,
                            "mpioperator/mpi-pi:openmpi",
                            List.of("mpirun"),
                            List.of("-n", "4", "/home/mpiuser/pi"),
                            Map.of("OMPI_MCA_btl", "self,tcp"),
                            new Resources(1000, 1L << 30, 0),
                            RestartPolicy.ON_FAILURE),
                        new ReplicaGroupSpec(
                            ReplicaRole.WORKER,
                            2,
                            "mpioperator/mpi-pi:openmpi",
                            List.of("/usr/sbin/sshd"),
                            List.of("-De", "-f", "/home/mpiuser/.sshd_config"),
                            Map.of(),
                            new Resources(2000, 2L << 30, 1),
                            RestartPolicy.NEVER)))
                .backoffLimit(1)
                .activeDeadlineSeconds(600L)
                .ttlSecondsAfterFinished(60L)
                .labels(
                    Map.of(
                        "training.kubeflow.org/retry-count-limit",
                        "3",
                        "kueue.x-k8s.io/queue-name",
                        "hpc"))
                .priority(100)
                .registerModel(new ModelOutput("pi-model", "pi.onnx"))
                .mpi(new MpiLayout(2, false))
                .ignoredFields(
                    List.of(
                        "spec.mpiReplicaSpecs.Launcher.template.spec.containers[0].securityContext",
                        "spec.mpiReplicaSpecs.Worker.template.spec.containers[0].securityContext"))
                .build());
  }

  @Test
  void defaultsAsTheMpiOperatorDoes() {
    JobSpec spec = parser().parse(MINIMAL);

    assertThat(spec.sourceKind()).isEqualTo("MPIJob");
    assertThat(spec.framework()).isEqualTo(Framework.MPI);
    assertThat(spec.labels()).isEmpty();
    assertThat(spec.mpi()).isEqualTo(new MpiLayout(1, false));
    assertThat(spec.replicaGroups())
        .containsExactly(
            new ReplicaGroupSpec(
                ReplicaRole.LAUNCHER,
                1,
                "host",
                List.of("mpirun", "python3", "pi.py"),
                List.of(),
                Map.of(),
                Resources.NONE,
                RestartPolicy.ON_FAILURE),
            new ReplicaGroupSpec(
                ReplicaRole.WORKER,
                2,
                "mpi-pi",
                MpiJobFormat.SSHD,
                List.of(),
                Map.of(),
                Resources.NONE,
                RestartPolicy.NEVER));
    assertThat(spec.backoffLimit()).isEqualTo(3);
    assertThat(spec.priority()).isZero();
  }

  @Test
  void runsThePodsFirstContainer() {
    String sidecar =
        replaceOnce(
            pi(),
            "              value: self,tcp\n",
            "              value: self,tcp\n          - name: launcher\n            command: [sidecar]\n");

    assertThat(parser().parse(sidecar).replicaGroups().get(0).command()).containsExactly("mpirun");
  }

  @Test
  void launcherRunningRanksIsALabelAndMayHaveNoWorkers() {
    String text =
        replaceOnce(
            MINIMAL, "  mpiReplicaSpecs:\n", "  runLauncherAsWorker: true\n  mpiReplicaSpecs:\n");
    String launcherOnly = text.substring(0, text.indexOf("    Worker:"));

    JobSpec spec = parser().parse(launcherOnly);

    assertThat(spec.mpi().launcherRunsRanks()).isTrue();
    assertThat(spec.replicaGroups())
        .extracting(ReplicaGroupSpec::role)
        .containsExactly(ReplicaRole.LAUNCHER);
    assertThat(parser().parse(MINIMAL).mpi().launcherRunsRanks()).isFalse();
  }

  @Test
  void labelsThatOnceCarriedMpiFactsChangeNothing() {
    String forged =
        replaceOnce(
            MINIMAL,
            "metadata: {name: minimal}",
            "metadata:\n  name: minimal\n  labels: {capstan.io/mpi-slots-per-worker: \"8\","
                + " capstan.io/mpi-launcher-as-worker: \"true\"}");

    JobSpec parsed = parser().parse(forged);
    assertThat(parsed.mpi()).isEqualTo(new MpiLayout(1, false));
    assertThat(parsed.labels()).isEmpty();
  }

  @Test
  void acceptsOnlyOpenMpi() {
    for (String other : List.of("Intel", "MPICH")) {
      assertInvalid(
          replaceOnce(pi(), "mpiImplementation: OpenMPI", "mpiImplementation: " + other),
          "spec.mpiImplementation",
          "Expected spec.mpiImplementation to be OpenMPI (Capstan sets up Open MPI's mpirun; Intel"
              + " MPI and MPICH are not supported), but was '"
              + other
              + "'");
    }
  }

  @Test
  void rejectsBadSlots() {
    assertInvalid(
        replaceOnce(pi(), "slotsPerWorker: 2", "slotsPerWorker: 0"),
        "spec.slotsPerWorker",
        "Expected spec.slotsPerWorker to be between 1 and 1024, but was 0");
    assertInvalid(
        replaceOnce(pi(), "slotsPerWorker: 2", "slotsPerWorker: \"2\""),
        "spec.slotsPerWorker",
        "Expected spec.slotsPerWorker to be an integer, but was the string '2'");
  }

  @Test
  void needsALauncherAndAHostForItsRanks() {
    String noLauncher =
        MINIMAL.substring(0, MINIMAL.indexOf("    Launcher:"))
            + MINIMAL.substring(MINIMAL.indexOf("    Worker:"));
    assertInvalid(
        noLauncher,
        "spec.mpiReplicaSpecs.Launcher",
        "Expected spec.mpiReplicaSpecs.Launcher to be set, but it is missing");
    assertInvalid(
        MINIMAL.substring(0, MINIMAL.indexOf("    Worker:")),
        "spec.mpiReplicaSpecs.Worker",
        "Expected spec.mpiReplicaSpecs.Worker to be set, or spec.runLauncherAsWorker to be true, but"
            + " neither is: mpirun would have no host to start ranks on");
    assertInvalid(
        replaceOnce(pi(), "    Launcher:\n      replicas: 1", "    Launcher:\n      replicas: 2"),
        "spec.mpiReplicaSpecs.Launcher.replicas",
        "Expected replica count of 'launcher' to be 1 (a job has one launcher), but was 2");
    assertInvalid(
        replaceOnce(pi(), "    Launcher:", "    Chief:"),
        "spec.mpiReplicaSpecs.Chief",
        "Expected the replica types of spec.mpiReplicaSpecs to be among Launcher, Worker, but"
            + " found 'Chief'");
  }

  @Test
  void aLauncherWithoutACommandRunsItsImagesEntrypoint() {
    JobSpec spec =
        parser()
            .parse(replaceOnce(MINIMAL, "- command: [mpirun, python3, pi.py]", "- image: mpi-pi"));

    assertThat(spec.replicaGroups().get(0).runsEntrypoint()).isTrue();
    assertThat(spec.replicaGroups().get(0).commandField())
        .isEqualTo("spec.mpiReplicaSpecs.Launcher.template.spec.containers[0].command");
  }

  @Test
  void suspendedOnlyWithKueuesQueueLabel() {
    String withoutQueue = replaceOnce(pi(), "    kueue.x-k8s.io/queue-name: hpc\n", "");

    assertInvalid(
        withoutQueue,
        "spec.runPolicy.suspend",
        "Expected spec.runPolicy.suspend to be false, or true with the label"
            + " kueue.x-k8s.io/queue-name (Capstan's scheduler admits the job as Kueue would), but"
            + " it is true without it: Capstan cannot keep a job suspended");
    assertThat(parser().parse(replaceOnce(withoutQueue, "suspend: true", "suspend: false")).name())
        .isEqualTo("pi");
  }

  @Test
  void rejectsValuesTheOperatorsSchemaRejects() {
    assertInvalid(
        replaceOnce(pi(), "managedBy: kubeflow.org/mpi-operator", "managedBy: example.com/x"),
        "spec.runPolicy.managedBy",
        "Expected spec.runPolicy.managedBy to be one of kubeflow.org/mpi-operator,"
            + " kueue.x-k8s.io/multikueue, but was 'example.com/x'");
    assertInvalid(
        replaceOnce(pi(), "cleanPodPolicy: Running", "cleanPodPolicy: Sometimes"),
        "spec.runPolicy.cleanPodPolicy",
        "Expected spec.runPolicy.cleanPodPolicy to be one of None, Running, All, but was"
            + " 'Sometimes'");
    assertInvalid(
        replaceOnce(
            pi(), "launcherCreationPolicy: WaitForWorkersReady", "launcherCreationPolicy: Later"),
        "spec.launcherCreationPolicy",
        "Expected spec.launcherCreationPolicy to be one of AtStartup, WaitForWorkersReady, but was"
            + " 'Later'");
    assertInvalid(
        replaceOnce(
            MINIMAL,
            "  mpiReplicaSpecs:\n",
            "  runLauncherAsWorker: yes please\n  mpiReplicaSpecs:\n"),
        "spec.runLauncherAsWorker",
        "Expected spec.runLauncherAsWorker to be true or false, but was the string 'yes please'");
    assertInvalid(
        replaceOnce(pi(), "backoffLimit: 1", "backoffLimit: -1"),
        "spec.runPolicy.backoffLimit",
        "Expected spec.runPolicy.backoffLimit to be at least 0, but was -1");
  }

  @Test
  void rejectsABadWorker() {
    assertInvalid(
        replaceOnce(pi(), "      replicas: 2", "      replicas: 0"),
        "spec.mpiReplicaSpecs.Worker.replicas",
        "Expected replica count of 'worker' to be between 1 and 512, but was 0");
    assertThat(invalid(replaceOnce(pi(), "nvidia.com/gpu: 1", "nvidia.com/gpu: lots")).field())
        .isEqualTo(
            "spec.mpiReplicaSpecs.Worker.template.spec.containers[0].resources.limits[nvidia.com/gpu]");
  }
}
