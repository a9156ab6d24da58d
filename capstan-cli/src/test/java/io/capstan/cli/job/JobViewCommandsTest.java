package io.capstan.cli.job;

import static io.capstan.cli.job.JobFixture.job;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.job.JobPhase;
import io.capstan.api.job.ReplicaRole;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.TestingApiServer;
import io.capstan.cli.TestingCli;
import io.capstan.cli.TestingCli.Result;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code list}, {@code get}, {@code cancel} and {@code delete}. */
class JobViewCommandsTest {
  private static final String JOBS = "/api/v1/projects/default/jobs";

  @TempDir Path temp;

  private final TestingApiServer server = TestingApiServer.start();
  private TestingCli cli;

  @BeforeEach
  void setUp() {
    cli = TestingCli.against(server, temp);
    server.respond(
        "GET",
        JOBS,
        200,
        JobFixture.array(
            job("train-a")
                .phase(JobPhase.RUNNING)
                .workers(2, 1)
                .restarts(1)
                .age(Duration.ofSeconds(5))
                .replica("worker-0", "Running", null, 0)
                .replica("worker-1", "Running", null, 1),
            job("queued-b")
                .workers(4, 2)
                .age(Duration.ofHours(2))
                .reason("WaitingForResources", "needs 8 GPUs, 2 free"),
            job("done-c")
                .phase(JobPhase.SUCCEEDED)
                .age(Duration.ofDays(4))
                .reason("Succeeded", "all replicas exited 0")
                .replica("worker-0", "Succeeded", 0)));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void listShowsUnfinishedJobsAsATable() {
    Result result = cli.run("list");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .isEqualTo(
            """
            NAME       PHASE     REPLICAS      RESTARTS   AGE   REASON
            train-a    Running   2/2 running   1          5s    -
            queued-b   Queued    0/4 running   0          2h    WaitingForResources
            """);
    assertThat(result.err()).isEqualTo("1 finished job hidden; use --all-phases.\n");
    assertThat(server.lastRequest().method()).isEqualTo("GET");
    assertThat(server.lastRequest().path()).isEqualTo(JOBS);
  }

  @Test
  void listAllPhasesIncludesFinishedJobs() {
    Result result = cli.run("list", "--all-phases");

    assertThat(result.out())
        .contains("done-c     Succeeded   0/1 running   0          4d    Succeeded");
    assertThat(result.err()).isEmpty();
  }

  @Test
  void listWideAddsFrameworkGpusAndMessage() {
    Result result = cli.run("list", "-o", "wide");

    assertThat(result.out().lines().findFirst().orElseThrow())
        .isEqualTo(
            "NAME       PHASE     REPLICAS      RESTARTS   AGE   REASON                FRAMEWORK"
                + "   GPUS   MESSAGE");
    assertThat(result.out()).contains("pytorch     8      needs 8 GPUs, 2 free");
  }

  @Test
  void listJsonPrintsTheServersObjects() {
    Result result = cli.run("list", "-o", "json", "--all-phases");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).startsWith("[ {").contains("\"phase\" : \"Succeeded\"");
    assertThat(result.out()).contains("\"name\" : \"train-a\"", "\"name\" : \"done-c\"");
  }

  @Test
  void listYamlHidesFinishedJobsToo() {
    Result result = cli.run("list", "-o", "yaml");

    assertThat(result.out()).contains("- name: train-a").doesNotContain("done-c");
  }

  @Test
  void emptyListSaysSo() {
    server.respond("GET", "/api/v1/projects/empty/jobs", 200, "[]");

    Result result = cli.run("list", "-p", "empty");

    assertThat(result.out()).isEmpty();
    assertThat(result.err()).isEqualTo("No jobs in project 'empty'.\n");
  }

  @Test
  void getPrintsAHumanView() {
    server.respond(
        "GET",
        JOBS + "/train-a",
        200,
        job("train-a")
            .phase(JobPhase.RUNNING)
            .workers(2, 1)
            .reason("Running", "2 of 2 replicas running")
            .age(Duration.ofMinutes(3))
            .replica("worker-0", "Running", null, 0)
            .replica("worker-1", "Failed", 137, 1)
            .condition("Created", true, "Submitted")
            .condition("Suspended", false, "Admitted")
            .condition("Running", true, "AllReplicasRunning")
            .warning("memory limits are not enforced on this machine")
            .event(Duration.ofMinutes(3), JobPhase.QUEUED, "Submitted", "job submitted")
            .event(Duration.ofMinutes(2), JobPhase.RUNNING, "Started", "2 replicas started")
            .json());

    Result result = cli.run("get", "train-a");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .isEqualTo(
            """
            Name:             train-a
            Project:          default
            Phase:            Running
            Reason:           Running
            Message:          2 of 2 replicas running
            Created:          2025-01-01T11:57:00Z (3m ago)
            Started:          2025-01-01T11:57:00Z (3m ago)
            Finished:         -
            Restarts:         0 (of 3 allowed)
            Checkpoint dir:   /capstan/checkpoints (in each replica)
            Output dir:       /capstan/output (in each replica; collected: capstan outputs train-a)
            Conditions:       Created=True Submitted, Suspended=False Admitted, Running=True AllReplicasRunning
            Replica types:    Worker: 1 active, 0 succeeded, 1 failed, 0 stopped

            Warnings:
              - memory limits are not enforced on this machine

            REPLICA    STATE     EXIT   ATTEMPT   GPUS   MESSAGE
            worker-0   Running   -      1         0      -
            worker-1   Failed    137    1         1      -

            Events:
            AGE   PHASE     REASON      MESSAGE
            3m    Queued    Submitted   job submitted
            2m    Running   Started     2 replicas started
            """);
  }

  @Test
  void getShowsTheProgressTheJobReported() {
    server.respond(
        "GET",
        JOBS + "/train-a",
        200,
        job("train-a").phase(JobPhase.RUNNING).progress(40, 150L, Duration.ofSeconds(5)).json());

    Result result = cli.run("get", "train-a");

    assertThat(result.out())
        .contains(
            "Progress:         40% done, about 2m left (worker-0, 2025-01-01T11:59:55Z (5s ago))");
  }

  @Test
  void getShowsHelperReplicasOfAFinishedJobAsStoppedNotFailed() {
    server.respond(
        "GET",
        JOBS + "/tf",
        200,
        job("tf")
            .phase(JobPhase.SUCCEEDED)
            .replica("ps-0", ReplicaRole.PS, "Stopped", 143, "JobFinished")
            .replica("worker-0", ReplicaRole.WORKER, "Succeeded", 0, null)
            .replica("worker-1", ReplicaRole.WORKER, "Succeeded", 0, null)
            .replica("evaluator-0", ReplicaRole.EVALUATOR, "Stopped", 143, "JobFinished")
            .condition("Created", true, "Submitted")
            .condition("Running", false, "Succeeded")
            .condition("Succeeded", true, "Succeeded")
            .json());

    Result result = cli.run("get", "tf");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .contains(
            "Conditions:       Created=True Submitted, Running=False Succeeded, Succeeded=True"
                + " Succeeded\n"
                + "Replica types:    PS: 0 active, 0 succeeded, 0 failed, 1 stopped; Worker: 0"
                + " active, 2 succeeded, 0 failed, 0 stopped; Evaluator: 0 active, 0 succeeded, 0"
                + " failed, 1 stopped\n")
        .contains("ps-0          Stopped (JobFinished)   143")
        .contains("worker-0      Succeeded               0")
        .doesNotContain("Failed");
    assertThat(cli.run("get", "tf", "-o", "json").out())
        .contains("\"replicaStatuses\" : {\n      \"PS\" : {")
        .contains("\"type\" : \"Succeeded\",\n      \"status\" : \"True\"")
        .contains("\"reason\" : \"JobFinished\"");
  }

  @Test
  void getShowsSeveralProcessesPerReplica() {
    server.respond(
        "GET",
        JOBS + "/ddp",
        200,
        job("ddp").phase(JobPhase.RUNNING).workers(2, 4).processesPerNode(4).json());

    Result result = cli.run("get", "ddp");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .contains(
            "Restarts:         0 (of 3 allowed)\n"
                + "Processes:        4 per replica, started by torchrun\n");
  }

  @Test
  void getJsonAndYamlPrintTheServersObject() {
    server.respond("GET", JOBS + "/train-a", 200, job("train-a").phase(JobPhase.FAILED).json());

    assertThat(cli.run("get", "train-a", "-o", "json").out())
        .startsWith("{\n  \"name\" : \"train-a\"")
        .contains("\"phase\" : \"Failed\"");
    assertThat(cli.run("get", "train-a", "-o", "yaml").out())
        .startsWith("name: train-a\n")
        .contains("  phase: Failed\n", "  restarts: 0\n");
  }

  @Test
  void getOfAnUnknownJobExitsWithThree() {
    server.fail(
        "GET", JOBS + "/nope", 404, "NOT_FOUND", "Job 'nope' not found in project 'default'", null);

    Result result = cli.run("get", "nope");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(result.err()).isEqualTo("error: Job 'nope' not found in project 'default'\n");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void cancelPostsToTheCancelPath() {
    server.respond("POST", JOBS + "/train-a/cancel", 200, job("train-a").json());

    Result result = cli.run("cancel", "train-a");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).isEqualTo("Cancelled job train-a\n");
    assertThat(server.lastRequest().method()).isEqualTo("POST");
    assertThat(server.lastRequest().path()).isEqualTo(JOBS + "/train-a/cancel");
  }

  @Test
  void deleteSendsDelete() {
    server.respond("DELETE", JOBS + "/train-a", 204, null);

    Result result = cli.run("delete", "train-a");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).isEqualTo("Deleted job train-a\n");
    assertThat(server.lastRequest().method()).isEqualTo("DELETE");
  }

  @Test
  void rmAndDelAreNamesOfDelete() {
    server.respond("DELETE", JOBS + "/train-a", 204, null);

    for (String verb : new String[] {"rm", "del"}) {
      Result result = cli.run(verb, "train-a");

      assertThat(result.exitCode()).as(verb).isZero();
      assertThat(result.out()).isEqualTo("Deleted job train-a\n");
      assertThat(server.lastRequest().method()).isEqualTo("DELETE");
      assertThat(server.lastRequest().path()).isEqualTo(JOBS + "/train-a");
    }
  }

  @Test
  void aDeleteTheServerIsStillCarryingOutSaysSo() {
    server.respond("DELETE", JOBS + "/train-a", 202, null);

    Result result = cli.run("delete", "train-a");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .isEqualTo("Deleting job train-a: its replicas are still stopping; it goes on its own\n");
  }

  @Test
  void permissionDeniedExitsWithFour() {
    server.fail(
        "DELETE",
        JOBS + "/train-a",
        403,
        "PERMISSION_DENIED",
        "Expected role editor in project 'default', but alice is viewer",
        null);

    Result result = cli.run("delete", "train-a");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.UNAUTHORIZED);
    assertThat(result.err())
        .isEqualTo("error: Expected role editor in project 'default', but alice is viewer\n");
  }
}
