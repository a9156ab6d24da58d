package io.capstan.cli.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.job.Framework;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.MpiLayout;
import io.capstan.api.job.ReplicaGroupSpec;
import io.capstan.api.job.ReplicaRole;
import io.capstan.api.job.Resources;
import io.capstan.api.job.RestartPolicy;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.TestingApiServer;
import io.capstan.cli.TestingCli;
import io.capstan.cli.TestingCli.Result;
import io.capstan.jobspec.JobSpecParser;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code submit mpijob} (and the Arena names of the builders): what is sent, as parsed. */
class MpiJobCommandTest {
  private static final String JOBS = "/api/v1/projects/default/jobs";

  @TempDir Path temp;

  private final TestingApiServer server = TestingApiServer.start();
  private TestingCli cli;

  @BeforeEach
  void setUp() {
    cli = TestingCli.against(server, temp);
    server.respond(
        "POST",
        JOBS,
        201,
        "{\"name\":\"pi\",\"project\":\"default\",\"uid\":\"u1\",\"phase\":\"Queued\"}");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void mpiBuildsAnMpiOperatorJobThatTheServerParsesIntoLauncherAndWorkers() {
    Result result =
        cli.run(
            "submit",
            "mpi",
            "--name",
            "pi",
            "--workers",
            "2",
            "--gpus",
            "1",
            "--slots-per-worker",
            "2",
            "--cpu",
            "500m",
            "--memory",
            "2Gi",
            "--image",
            "mpi:latest",
            "--env",
            "OMP_NUM_THREADS=1",
            "--",
            "mpirun",
            "-n",
            "4",
            "python3",
            "pi.py");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).isEqualTo("pi\n");
    String body = server.lastRequest().body();
    assertThat(body)
        .isEqualTo(
            "{\"apiVersion\":\"kubeflow.org/v2beta1\",\"kind\":\"MPIJob\","
                + "\"metadata\":{\"name\":\"pi\"},"
                + "\"spec\":{\"slotsPerWorker\":2,\"runPolicy\":{\"backoffLimit\":3},"
                + "\"mpiReplicaSpecs\":{"
                + "\"Launcher\":{\"replicas\":1,\"restartPolicy\":\"OnFailure\","
                + "\"template\":{\"spec\":{\"containers\":[{\"name\":\"mpi-launcher\","
                + "\"image\":\"mpi:latest\","
                + "\"command\":[\"mpirun\",\"-n\",\"4\",\"python3\",\"pi.py\"],"
                + "\"env\":[{\"name\":\"OMP_NUM_THREADS\",\"value\":\"1\"}],"
                + "\"resources\":{\"limits\":{\"cpu\":\"500m\",\"memory\":\"2Gi\"}}}]}}},"
                + "\"Worker\":{\"replicas\":2,"
                + "\"template\":{\"spec\":{\"containers\":[{\"name\":\"mpi-worker\","
                + "\"image\":\"mpi:latest\","
                + "\"env\":[{\"name\":\"OMP_NUM_THREADS\",\"value\":\"1\"}],"
                + "\"resources\":{\"limits\":{\"cpu\":\"500m\",\"memory\":\"2Gi\","
                + "\"nvidia.com/gpu\":1}}}]}}}}}}");

    JobSpec parsed = new JobSpecParser().parse(body);
    assertThat(parsed.framework()).isEqualTo(Framework.MPI);
    assertThat(parsed.mpi()).isEqualTo(new MpiLayout(2, false));
    assertThat(parsed.backoffLimit()).isEqualTo(3);
    Resources launcher = new Resources(500, 2L << 30, 0);
    assertThat(parsed.replicaGroups())
        .containsExactly(
            new ReplicaGroupSpec(
                ReplicaRole.LAUNCHER,
                1,
                "mpi:latest",
                List.of("mpirun", "-n", "4", "python3", "pi.py"),
                List.of(),
                Map.of("OMP_NUM_THREADS", "1"),
                launcher,
                RestartPolicy.ON_FAILURE),
            new ReplicaGroupSpec(
                ReplicaRole.WORKER,
                2,
                "mpi:latest",
                List.of("/usr/sbin/sshd", "-De"),
                List.of(),
                Map.of("OMP_NUM_THREADS", "1"),
                new Resources(500, 2L << 30, 1),
                RestartPolicy.NEVER));
  }

  @Test
  void mpijobWithoutANameAsksTheServerToGenerateOne() {
    Result result = cli.run("submit", "mpijob", "--", "mpirun", "hostname");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(server.lastRequest().body()).contains("\"metadata\":{\"generateName\":\"mpijob-\"}");
    assertThat(new JobSpecParser().parse(server.lastRequest().body()).mpi())
        .isEqualTo(new MpiLayout(1, false));
  }

  @Test
  void theLauncherRunsOneCommandStringThroughSh() {
    Result result = cli.run("submit", "mpi", "--workers", "2", "mpirun -n 2 python3 pi.py > out");

    assertThat(result.exitCode()).as(result.err()).isZero();
    JobSpec parsed = new JobSpecParser().parse(server.lastRequest().body());
    assertThat(parsed.replicaGroups().get(0).command())
        .containsExactly("sh", "-c", "mpirun -n 2 python3 pi.py > out");
    assertThat(parsed.replicaGroups().get(1).command()).containsExactly("/usr/sbin/sshd", "-De");
  }

  @Test
  void badSlotsAreAUsageErrorAndSendNothing() {
    Result result = cli.run("submit", "mpi", "--slots-per-worker", "0", "--", "mpirun", "x");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err())
        .isEqualTo("error: Expected --slots-per-worker to be at least 1, but was 0\n");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void pytorchAndTfAreNamesOfTheirBuilders() {
    assertThat(cli.run("submit", "pytorch", "--", "python", "train.py").exitCode()).isZero();
    assertThat(server.lastRequest().body())
        .contains("\"generateName\":\"pytorchjob-\"", "\"framework\":\"pytorch\"");

    assertThat(cli.run("submit", "tf", "--ps", "1", "--", "python", "tf.py").exitCode()).isZero();
    assertThat(server.lastRequest().body())
        .contains("\"generateName\":\"tfjob-\"", "\"framework\":\"tensorflow\"");
  }
}
