package io.capstan.server.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.job.JobSpec;
import io.capstan.api.job.Resources;
import io.capstan.jobspec.JobSpecParser;
import io.capstan.runtime.FileSpec;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaLaunch;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What an MPIJob's launcher and workers run, and the hostfile the launcher's mpirun reads. */
class MpiHostsTest {
  private static final Map<String, List<Integer>> GPUS =
      Map.of("launcher-0", List.of(0), "worker-0", List.of(1, 2), "worker-1", List.of(3, 4));

  private static final String PI =
      """
      apiVersion: kubeflow.org/v2beta1
      kind: MPIJob
      metadata: {name: pi}
      spec:
        slotsPerWorker: 2
        mpiReplicaSpecs:
          Launcher:
            template:
              spec:
                containers:
                - command: [mpirun, --hostfile, /etc/mpi/hostfile, python3, pi.py]
                  env: [{name: K_MPI_JOB_ROLE, value: mine}]
                  resources: {limits: {cpu: 500m, memory: 1Gi, nvidia.com/gpu: 1}}
          Worker:
            replicas: 2
            template:
              spec:
                containers:
                - command: [/usr/sbin/sshd, -De]
                  resources: {limits: {cpu: 2, memory: 4Gi, nvidia.com/gpu: 2}}
      """;

  private final JobSpecParser parser = new JobSpecParser();

  @Test
  void workersOnTheLaunchersMachineAreOneLocalhostLineWithAllTheirSlots() {
    MpiHosts hosts = hosts(parser.parse(PI), "127.0.0.1", "127.0.0.1", "127.0.0.1");

    assertThat(hosts.hostfile()).isEqualTo("localhost slots=4\n");
  }

  @Test
  void aLauncherRunningRanksIsTheFirstHost() {
    JobSpec spec =
        parser.parse(
            PI.replace(
                "  slotsPerWorker: 2\n", "  slotsPerWorker: 2\n  runLauncherAsWorker: true\n"));

    assertThat(hosts(spec, "10.0.0.1", "10.0.0.2", "10.0.0.3").hostfile())
        .isEqualTo("localhost slots=2\n10.0.0.2 slots=2\n10.0.0.3 slots=2\n");
    assertThat(hosts(spec, "10.0.0.1", "10.0.0.1", "10.0.0.3").hostfile())
        .isEqualTo("localhost slots=4\n10.0.0.3 slots=2\n");
  }

  @Test
  void theLauncherGetsTheOperatorsVariablesTheGeneratedHostfileAndItsWorkersResources() {
    MpiHosts hosts = hosts(parser.parse(PI), "127.0.0.1", "127.0.0.1", "127.0.0.1");

    ReplicaLaunch launcher = adapt(hosts, PI, "launcher-0");

    assertThat(launcher.command())
        .containsExactly("mpirun", "--hostfile", MpiHosts.HOSTFILE_PATH, "python3", "pi.py");
    assertThat(launcher.env())
        .containsEntry("K_MPI_JOB_ROLE", "launcher")
        .containsEntry("OMPI_MCA_orte_default_hostfile", MpiHosts.HOSTFILE_PATH)
        .containsEntry("OMPI_MCA_orte_keep_fqdn_hostnames", "true")
        .containsEntry("OMPI_MCA_orte_set_default_slots", "2");
    assertThat(launcher.files())
        .containsExactly(new FileSpec(MpiHosts.HOSTFILE_PATH, hosts.hostfile()));
    assertThat(launcher.gpuIndices())
        .as("the workers' GPUs, not the launcher's own: it runs no ranks")
        .containsExactly(1, 2, 3, 4);
    assertThat(launcher.resources()).isEqualTo(new Resources(4500, 9L << 30, 4));
  }

  @Test
  void aHostfileNamedInTheLaunchersArgsIsTheGeneratedOne() {
    String text =
        PI.replace(
            "- command: [mpirun, --hostfile, /etc/mpi/hostfile, python3, pi.py]",
            "- command: [mpirun]\n            args: [--hostfile, /etc/mpi/hostfile, python3,"
                + " pi.py]");
    MpiHosts hosts = hosts(parser.parse(text), "127.0.0.1", "127.0.0.1", "127.0.0.1");

    ReplicaLaunch launcher = adapt(hosts, text, "launcher-0");

    assertThat(launcher.command()).containsExactly("mpirun");
    assertThat(launcher.args())
        .containsExactly("--hostfile", MpiHosts.HOSTFILE_PATH, "python3", "pi.py");
  }

  @Test
  void aWorkerOnTheLaunchersMachineHoldsItsPlaceAndSaysWhy() {
    MpiHosts hosts = hosts(parser.parse(PI), "127.0.0.1", "127.0.0.1", "127.0.0.1");

    ReplicaLaunch worker = adapt(hosts, PI, "worker-1");

    assertThat(worker.command()).startsWith("/bin/sh", "-c", "echo \"$0\"; exec sleep infinity");
    assertThat(worker.command().get(3))
        .isEqualTo(
            "capstan: worker-1 is an MPI host on the launcher's machine: the launcher's mpirun"
                + " starts its ranks (see the launcher's log), so it does not run its own command"
                + " (/usr/sbin/sshd -De) and holds its resources until the job ends");
    assertThat(worker.env()).containsEntry("K_MPI_JOB_ROLE", "worker");
    assertThat(worker.gpuIndices()).isEmpty();
    assertThat(worker.resources()).isEqualTo(Resources.NONE);
  }

  @Test
  void aWorkerOnAnotherMachineRunsItsCommandWithItsOwnGpus() {
    MpiHosts hosts = hosts(parser.parse(PI), "10.0.0.1", "10.0.0.1", "10.0.0.2");

    ReplicaLaunch remote = adapt(hosts, PI, "worker-1");
    ReplicaLaunch launcher = adapt(hosts, PI, "launcher-0");

    assertThat(remote.command()).containsExactly("/usr/sbin/sshd", "-De");
    assertThat(remote.gpuIndices()).containsExactly(3, 4);
    assertThat(launcher.gpuIndices()).containsExactly(1, 2);
    assertThat(hosts.hostfile()).isEqualTo("localhost slots=2\n10.0.0.2 slots=2\n");
  }

  @Test
  void aLauncherRunningRanksUsesItsOwnGpusAndNoLimitWhereAWorkerHasNone() {
    String text =
        PI.replace("  slotsPerWorker: 2\n", "  runLauncherAsWorker: true\n")
            .replace("{cpu: 2, memory: 4Gi, nvidia.com/gpu: 2}", "{cpu: 2, nvidia.com/gpu: 2}");
    MpiHosts hosts = hosts(parser.parse(text), "127.0.0.1", "127.0.0.1", "127.0.0.1");

    ReplicaLaunch launcher = adapt(hosts, text, "launcher-0");

    assertThat(hosts.hostfile()).isEqualTo("localhost slots=3\n");
    assertThat(launcher.gpuIndices()).containsExactly(0, 1, 2, 3, 4);
    assertThat(launcher.resources()).isEqualTo(new Resources(4500, 0, 5));
    assertThat(launcher.env()).containsEntry("OMPI_MCA_orte_set_default_slots", "1");
  }

  /** Launcher, worker-0 and worker-1 on these hosts; GPU 0 is the launcher's, then 2 each. */
  private static MpiHosts hosts(JobSpec spec, String... hosts) {
    Map<String, Placement.ReplicaPlacement> replicas = new LinkedHashMap<>();
    List<String> names = List.of("launcher-0", "worker-0", "worker-1");
    for (int i = 0; i < names.size(); i++) {
      replicas.put(
          names.get(i),
          new Placement.ReplicaPlacement(
              "node", GPUS.get(names.get(i)), hosts[i] + ":" + (20000 + i)));
    }
    return new MpiHosts(spec, new Placement(replicas));
  }

  /** The launch JobLauncher builds for {@code name}, with its placed GPUs, adapted. */
  private static ReplicaLaunch adapt(MpiHosts hosts, String text, String name) {
    JobSpec spec = new JobSpecParser().parse(text);
    Rendezvous.Replica replica =
        Rendezvous.replicas(spec).stream()
            .filter(r -> r.name().equals(name))
            .findFirst()
            .orElseThrow();
    ReplicaLaunch launch =
        ReplicaLaunch.builder(new ReplicaId("uid", name))
            .image(replica.group().image())
            .command(replica.group().command())
            .args(replica.group().args())
            .env(replica.group().env())
            .resources(replica.group().resources())
            .gpuIndices(GPUS.get(name))
            .workDir(Path.of("/data/jobs/uid/replicas", name))
            .tenant("default")
            .build();
    return hosts.adapt(replica, launch);
  }
}
