package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.server.CapstanServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Real PyTorch and TF_CONFIG jobs through the CLI and the REST API of a server booted with the
 * production wiring: success with logs and ONNX output, Kubeflow YAML (PyTorchJob, TFJob, Trainer's
 * TrainJob under torchrun, the MPI Operator's MPIJob under Open MPI, Kubernetes' batch Job)
 * unchanged, restart with checkpoint resume, backoff limit, cancel.
 */
@SpringBootTest(
    classes = CapstanServer.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TrainingJobsIT {
  private static final Path DATA = ServerFixture.newDataDir("capstan-jobs-it");
  private static final Path EXAMPLES = ServerFixture.repository().resolve("examples");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("capstan.data-dir", DATA::toString);
    registry.add("capstan.home", () -> ServerFixture.repository().toString());
    registry.add("capstan.stop-grace-period", () -> "3s");
  }

  @Value("${local.server.port}")
  int port;

  private TestingCli cli;
  private TestingHttp http;
  private String token;

  @BeforeEach
  void setUp() {
    token = ServerFixture.adminToken(DATA);
    cli = new TestingCli("http://127.0.0.1:" + port, token);
    http = new TestingHttp("http://127.0.0.1:" + port);
  }

  @Test
  void ddpJobThroughTheCliSucceedsWithBothRanksLogsAndAnOnnxModel() {
    TestingCli.Result submitted =
        cli.run("submit", "-f", EXAMPLES.resolve("pytorch-ddp/job.yaml").toString());
    assertThat(submitted.exitCode()).as(submitted.err()).isZero();
    String name = submitted.out().trim();

    TestingCli.Result waited = cli.run("wait", name, "--timeout", "3m");

    assertThat(waited.exitCode()).as(waited.out() + waited.err()).isZero();
    JsonNode job = JSON.readTree(cli.run("get", name, "-o", "json").out());
    assertThat(job.get("status").get("phase").asString()).isEqualTo("Succeeded");
    for (String replica : new String[] {"worker-0", "worker-1"}) {
      String logs = cli.run("logs", name, "--replica", replica).out();
      int rank = replica.equals("worker-0") ? 0 : 1;
      assertThat(logs).contains("rank " + rank + "/2 epoch 5 loss");
    }
    assertThat(job.get("status").get("outputDir").asString()).isEqualTo("/capstan/output");
    assertThat(collected(job, "model.onnx")).isNotEmptyFile();
    // The job sees its output directory where its sandbox mounts it.
    assertThat(cli.run("logs", name, "--replica", "worker-0").out())
        .contains("exported ONNX model to /capstan/output/model.onnx");
  }

  @Test
  void logsFollowStreamsLinesLiveAndEndsWhenTheJobEnds() throws Exception {
    // The test opens the gate in the job's checkpoint directory, the one folder both can reach.
    String spec =
        """
        apiVersion: capstan.io/v1
        kind: TrainingJob
        metadata: {name: follow-me}
        spec:
          replicas:
            - role: worker
              count: 1
              command: [sh, -c, "echo first line; while [ ! -f $CAPSTAN_CHECKPOINT_DIR/go ]; do sleep 0.1; done; echo last line"]
        """;
    String name = submit(spec);

    TestingCli.Running follow = cli.start("logs", name, "--replica", "worker-0", "-f");

    await().atMost(Duration.ofSeconds(30)).until(() -> follow.outSoFar().contains("first line"));
    assertThat(follow.result()).as("still following while the job runs").isNotDone();
    Files.createFile(
        DATA.resolve("runtime/volumes")
            .resolve(job(name).get("uid").asString())
            .resolve("checkpoints/go"));
    TestingCli.Result followed = follow.result().get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(followed.exitCode()).as(followed.err()).isZero();
    assertThat(followed.out()).containsSubsequence("first line", "last line");
    assertThat(job(name).get("status").get("phase").asString()).isEqualTo("Succeeded");
  }

  @Test
  void kubeflowPyTorchJobYamlRunsUnchanged() throws Exception {
    String yaml = Files.readString(EXAMPLES.resolve("pytorch-ddp/pytorchjob.yaml"));
    String name = submit(yaml.replace("name: pytorch-ddp", "name: kubeflow-ddp"));

    JsonNode job = awaitFinished(name, Duration.ofMinutes(3));

    assertThat(job.get("status").get("phase").asString()).isEqualTo("Succeeded");
    assertThat(job.get("spec").get("sourceKind").asString()).isEqualTo("PyTorchJob");
    assertThat(log(name, "master-0")).contains("rank 0/2 epoch");
    assertThat(log(name, "worker-0")).contains("rank 1/2 epoch");
    assertThat(collected(job, "model.onnx")).isNotEmptyFile();
    assertReadsAsTheTrainingOperatorReportsIt(name);
  }

  /**
   * The Kubeflow form of a succeeded Master + Worker PyTorchJob equals, field by field but for
   * times and names, the status the Training Operator reports for its pytorch-simple example of the
   * same shape (the fixture's {@code _source} says where it is from).
   */
  private void assertReadsAsTheTrainingOperatorReportsIt(String name) throws Exception {
    TestingHttp.Answer answer =
        http.get(token, "/api/v1/projects/default/jobs/" + name + "?form=kubeflow");
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    JsonNode actual = JSON.readTree(answer.body());
    String expected;
    try (var in =
        getClass().getClassLoader().getResourceAsStream("kubeflow/pytorch-simple-succeeded.json")) {
      expected = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    JsonNode fixture = JSON.readTree(expected.replace("pytorch-simple", name));
    assertThat(actual.get("kind")).isEqualTo(fixture.get("kind"));
    assertThat(withoutTimes(actual.get("status").get("conditions")))
        .isEqualTo(withoutTimes(fixture.get("status").get("conditions")));
    JsonNode master = actual.get("status").get("replicaStatuses").get("Master");
    assertThat(master).isEqualTo(fixture.get("status").get("replicaStatuses").get("Master"));
    assertThat(actual.get("status").get("replicaStatuses").get("Worker").get("selector"))
        .isEqualTo(fixture.get("status").get("replicaStatuses").get("Worker").get("selector"));
    assertThat(actual.get("status").get("startTime").asString()).matches(SECONDS);
    assertThat(actual.get("status").get("completionTime").asString()).matches(SECONDS);
  }

  private static final String SECONDS = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ";

  private static String withoutTimes(JsonNode conditions) {
    StringBuilder text = new StringBuilder();
    for (JsonNode condition : conditions) {
      assertThat(condition.get("lastTransitionTime").asString()).matches(SECONDS);
      assertThat(condition.get("lastUpdateTime").asString()).matches(SECONDS);
      text.append(condition.get("type").asString())
          .append('=')
          .append(condition.get("status").asString())
          .append(' ')
          .append(condition.get("reason").asString())
          .append(": ")
          .append(condition.get("message").asString())
          .append('\n');
    }
    return text.toString();
  }

  /**
   * A Kubernetes batch/v1 Job of the shape of Katib's trial templates, submitted as a file through
   * the CLI, runs its container and reads back as the Job controller reports it.
   */
  @Test
  void kubernetesBatchJobThroughTheCliCompletesAsOnACluster() throws Exception {
    Path file = Files.createTempFile(DATA, "job", ".yaml");
    Files.writeString(
        file,
        """
        apiVersion: batch/v1
        kind: Job
        metadata: {name: katib-like-trial}
        spec:
          template:
            spec:
              containers:
                - name: training-container
                  command: [/usr/bin/python3, -c, "print('accuracy=0.9')"]
                  resources: {limits: {memory: 1Gi, cpu: "0.5"}}
              restartPolicy: Never
        """);
    TestingCli.Result submitted = cli.run("submit", "-f", file.toString());
    assertThat(submitted.exitCode()).as(submitted.err()).isZero();
    String name = submitted.out().trim();

    JsonNode job = awaitFinished(name, Duration.ofMinutes(1));

    assertThat(job.get("status").get("phase").asString()).isEqualTo("Succeeded");
    assertThat(job.get("spec").get("sourceKind").asString()).isEqualTo("Job");
    assertThat(log(name, "worker-0")).contains("accuracy=0.9");
    JsonNode status =
        JSON.readTree(
                http.get(token, "/api/v1/projects/default/jobs/" + name + "?form=kubeflow").body())
            .get("status");
    assertThat(status.get("succeeded").asInt()).isEqualTo(1);
    assertThat(status.get("completionTime").asString()).matches(SECONDS);
    assertThat(status.get("conditions").findValuesAsString("type"))
        .containsExactly("SuccessCriteriaMet", "Complete");
    assertThat(http.get(token, "/api/v1/projects/default/jobs?kind=Job").body())
        .contains("\"name\":\"" + name + "\"");
  }

  @Test
  void elasticPyTorchJobRunsThroughTorchrunsRendezvousToSucceeded() throws Exception {
    String yaml = Files.readString(EXAMPLES.resolve("pytorch-elastic/pytorchjob.yaml"));
    String name = submit(yaml.replace("name: elastic-example-echo", "name: elastic-echo"));

    JsonNode job = awaitFinished(name, Duration.ofMinutes(3));

    assertThat(job.get("status").get("phase").asString()).as(job.toString()).isEqualTo("Succeeded");
    assertThat(job.get("status").get("warnings").toString()).doesNotContain("elasticPolicy");
    // One rendezvous of both nodes: two ranks, whichever node got which.
    String logs = log(name, "worker-0") + log(name, "worker-1");
    assertThat(logs).contains("elastic rank 0/2", "elastic rank 1/2");
    assertThat(logs).contains("restart 0 of 100");
    assertThat(log(name, "worker-0"))
        .contains("elastic all-reduce ok: sum of ranks 1 over 2 ranks");
    TestingHttp.Answer kubeflow =
        http.get(token, "/api/v1/projects/default/jobs/" + name + "?form=kubeflow");
    JsonNode conditions = JSON.readTree(kubeflow.body()).get("status").get("conditions");
    assertThat(withoutTimes(conditions))
        .isEqualTo(
            "Created=True PyTorchJobCreated: PyTorchJob elastic-echo is created.\n"
                + "Running=False PyTorchJobRunning: PyTorchJob default/elastic-echo is running.\n"
                + "Succeeded=True PyTorchJobSucceeded: PyTorchJob default/elastic-echo successfully"
                + " completed.\n");
  }

  @Test
  void kubeflowTrainerTrainJobYamlRunsUnchangedUnderTorchrun() throws Exception {
    String yaml = Files.readString(EXAMPLES.resolve("pytorch-ddp/trainjob.yaml"));
    String name = submit(yaml.replace("name: pytorch-ddp", "name: trainer-ddp"));

    JsonNode job = awaitFinished(name, Duration.ofMinutes(3));

    assertThat(job.get("status").get("phase").asString()).as(job.toString()).isEqualTo("Succeeded");
    assertThat(job.get("spec").get("sourceKind").asString()).isEqualTo("TrainJob");
    String node0 = log(name, "worker-0");
    String node1 = log(name, "worker-1");
    // torchrun sets RANK and WORLD_SIZE for train.py: without PET_NNODES and PET_NODE_RANK each
    // node would train alone as rank 0/1.
    assertThat(node0).contains("rank 0/2 epoch 5 loss");
    assertThat(node1).contains("rank 1/2 epoch 5 loss");
    assertThat(collected(job, "model.onnx")).isNotEmptyFile();
    assertThat(node0).contains("exported ONNX model to /capstan/output/model.onnx");
  }

  @Test
  void severalProcessesPerNodeGetGlobalRanksFromTorchrun() throws Exception {
    String yaml =
        Files.readString(EXAMPLES.resolve("pytorch-ddp/trainjob.yaml"))
            .replace("name: pytorch-ddp", "name: trainer-nproc")
            .replace("    numNodes: 2\n", "    numNodes: 2\n    numProcPerNode: 2\n")
            .replace("args: [\"--epochs\", \"5\"]", "args: [\"--epochs\", \"2\"]");
    String name = submit(yaml);

    JsonNode job = awaitFinished(name, Duration.ofMinutes(3));

    assertThat(job.get("status").get("phase").asString()).as(job.toString()).isEqualTo("Succeeded");
    assertThat(job.get("spec").get("processesPerNode").asInt()).isEqualTo(2);
    // Two nodes of two processes: node 1's processes are global ranks 2 and 3 of 4.
    assertThat(log(name, "worker-0")).contains("rank 0/4 epoch 2 loss", "rank 1/4 epoch 2 loss");
    assertThat(log(name, "worker-1")).contains("rank 2/4 epoch 2 loss", "rank 3/4 epoch 2 loss");
  }

  @Test
  void mpiOperatorMpiJobYamlRunsUnchangedWithEveryRankStartedByTheLauncher() throws Exception {
    String yaml = Files.readString(EXAMPLES.resolve("mpi/pi-mpijob.yaml"));
    String name = submit(yaml.replace("  name: pi\n", "  name: mpi-pi\n"));

    JsonNode job = awaitFinished(name, Duration.ofMinutes(2));

    assertThat(job.get("status").get("phase").asString()).as(job.toString()).isEqualTo("Succeeded");
    assertThat(job.get("spec").get("sourceKind").asString()).isEqualTo("MPIJob");
    String launcher = log(name, "launcher-0");
    for (int rank = 0; rank < 4; rank++) {
      assertThat(launcher).contains("rank " + rank + " of size 4");
    }
    assertThat(launcher).contains("size 4: pi is approximately 3.14159265");
    assertThat(log(name, "worker-1"))
        .contains("capstan: worker-1 is an MPI host on the launcher's machine")
        .doesNotContain("rank ");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(replica(job(name), "worker-0").get("state").asString())
                    .as("an MPI host the job no longer needs is stopped, which is no failure")
                    .isEqualTo("Stopped"));
    assertThat(replica(job(name), "worker-0").get("reason").asString()).isEqualTo("JobFinished");
    assertThat(job(name).get("status").get("conditions").toString())
        .contains("\"type\":\"Succeeded\",\"status\":\"True\"")
        .contains("\"type\":\"Running\",\"status\":\"False\"");
  }

  @Test
  void trainingOperatorsV1MpiJobRunsUnchanged() throws Exception {
    String yaml = Files.readString(EXAMPLES.resolve("mpi/pi-mpijob-v1.yaml"));
    String name = submit(yaml);

    JsonNode job = awaitFinished(name, Duration.ofMinutes(2));

    assertThat(job.get("status").get("phase").asString()).as(job.toString()).isEqualTo("Succeeded");
    assertThat(job.get("spec").get("sourceKind").asString()).isEqualTo("MPIJob");
    assertThat(log(name, "launcher-0")).contains("size 4: pi is approximately 3.14159265");
    assertThat(log(name, "worker-0"))
        .contains("capstan: worker-0 is an MPI host on the launcher's machine");
  }

  @Test
  void aRankThatDiesFailsTheMpiJobThroughItsLauncher() throws Exception {
    String yaml = Files.readString(EXAMPLES.resolve("mpi/pi-mpijob.yaml"));
    String name =
        submit(
            yaml.replace("  name: pi\n", "  name: mpi-dies\n")
                .replace("/examples/mpi/pi.py]", "/examples/mpi/pi.py, --fail-rank, \"2\"]"));

    JsonNode job = awaitFinished(name, Duration.ofMinutes(2));

    assertThat(job.get("status").get("phase").asString()).as(job.toString()).isEqualTo("Failed");
    assertThat(job.get("status").get("reason").asString()).isEqualTo("BackoffLimitExceeded");
    assertThat(job.get("status").get("message").asString())
        .contains("replica launcher-0 exited with code 3")
        .contains("(backoffLimit 1)");
    assertThat(log(name, "launcher-0"))
        .contains("rank 2 dies on purpose")
        .contains("mpirun detected that one or more processes exited with non-zero status")
        .doesNotContain("pi is approximately");
  }

  @Test
  void tfJobReplicasAgreeOnTfConfigAndParameterServerIsStopped() throws Exception {
    String name = submit(Files.readString(EXAMPLES.resolve("tf-config/tfjob.yaml")));

    JsonNode job = awaitFinished(name, Duration.ofMinutes(2));

    assertThat(job.get("status").get("phase").asString()).isEqualTo("Succeeded");
    assertThat(log(name, "worker-0")).contains("TF_CONFIG ok: worker 0 of 2, 1 ps");
    assertThat(log(name, "worker-1")).contains("TF_CONFIG ok: worker 1 of 2, 1 ps");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(replica(job(name), "ps-0").get("state").asString())
                    .as("exited on its own, or stopped because the job ended: no failure")
                    .isIn("Succeeded", "Stopped"));
    JsonNode counts = job(name).get("status").get("replicaStatuses");
    assertThat(counts.get("PS").get("active").asInt() + counts.get("PS").get("failed").asInt())
        .isZero();
    assertThat(counts.get("Worker").get("failed").asInt()).isZero();
    assertThat(counts.get("Worker").get("succeeded").asInt()).isPositive();
  }

  @Test
  void killedWorkerRestartsTheJobWhichResumesFromItsCheckpoint() {
    String name =
        submit(ddpJob("resume", "OnFailure", 3, "--epochs", "8", "--sleep-per-epoch", "1"));
    String uid = job(name).get("uid").asString();
    await().atMost(Duration.ofMinutes(2)).until(() -> log(name, "worker-1").contains("epoch 3 "));

    long pid = ServerFixture.replicaProcess(uid, "worker-1", "train.py");
    assertThat(pid).as("worker-1's training process").isPositive();
    ServerFixture.kill9(pid);

    JsonNode job = awaitFinished(name, Duration.ofMinutes(3));
    assertThat(job.get("status").get("phase").asString()).isEqualTo("Succeeded");
    assertThat(job.get("status").get("restarts").asInt()).isEqualTo(1);
    assertThat(events(job)).contains("ReplicaFailed", "Restarted", "Succeeded");
    String log = log(name, "worker-0");
    assertThat(log).containsPattern("resumed from checkpoint at epoch [2-7]");
    assertThat(log).contains("rank 0/2 epoch 8 loss");
    int resumedAt =
        Integer.parseInt(log.replaceAll("(?s).*resumed from checkpoint at epoch (\\d+).*", "$1"));
    assertThat(log.substring(log.indexOf("resumed from checkpoint")))
        .as("the epoch counter continues after the checkpoint")
        .contains("rank 0/2 epoch " + (resumedAt + 1) + " loss")
        .doesNotContain("rank 0/2 epoch 1 loss");
  }

  @Test
  void failingJobStopsAfterItsBackoffLimitWithTheReason() {
    String spec =
        """
        apiVersion: capstan.io/v1
        kind: TrainingJob
        metadata: {name: always-fails}
        spec:
          restartPolicy: OnFailure
          backoffLimit: 2
          replicas:
            - role: worker
              count: 2
              command: [sh, -c, "echo trying; exit 3"]
        """;
    String name = submit(spec);

    JsonNode job = awaitFinished(name, Duration.ofMinutes(1));

    assertThat(job.get("status").get("phase").asString()).isEqualTo("Failed");
    assertThat(job.get("status").get("reason").asString()).isEqualTo("BackoffLimitExceeded");
    assertThat(job.get("status").get("message").asString())
        .contains("exited with code 3")
        .contains("restarted 2 times (backoffLimit 2)");
    assertThat(job.get("status").get("restarts").asInt()).isEqualTo(2);
    TestingCli.Result waited = cli.run("wait", name, "--timeout", "10s");
    assertThat(waited.exitCode()).isEqualTo(1);
  }

  @Test
  void neverRestartPolicyFailsAtOnceAndCancelStopsEveryReplica() {
    String failing = submit(ddpLike("fails-once", "Never", "exit 7"));
    JsonNode failed = awaitFinished(failing, Duration.ofMinutes(1));
    assertThat(failed.get("status").get("reason").asString()).isEqualTo("ReplicaFailed");
    assertThat(failed.get("status").get("restarts").asInt()).isZero();

    String sleeper = submit(ddpLike("sleeper", "Never", "echo started; sleep 300"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> job(sleeper).get("status").get("phase").asString().equals("Running"));
    String uid = job(sleeper).get("uid").asString();

    TestingCli.Result cancelled = cli.run("cancel", sleeper);

    assertThat(cancelled.exitCode()).as(cancelled.err()).isZero();
    assertThat(job(sleeper).get("status").get("phase").asString()).isEqualTo("Cancelled");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(ServerFixture.replicaProcess(uid, "worker-0", "sleep")).isEqualTo(-1);
              assertThat(ServerFixture.replicaProcess(uid, "worker-1", "sleep")).isEqualTo(-1);
            });
    assertThat(cli.run("cancel", sleeper).exitCode()).isEqualTo(1);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(cli.run("get", sleeper).out())
                    .contains("Failed=True Cancelled")
                    .contains("Worker: 0 active, 0 succeeded, 0 failed, 2 stopped")
                    .containsPattern("worker-1 +Stopped \\(JobFinished\\)"));
  }

  private String submit(String spec) {
    TestingHttp.Answer answer =
        http.post(token, "/api/v1/projects/default/jobs", "application/yaml", spec);
    assertThat(answer.status()).as(answer.body()).isEqualTo(201);
    return JSON.readTree(answer.body()).get("name").asString();
  }

  private JsonNode job(String name) {
    TestingHttp.Answer answer = http.get(token, "/api/v1/projects/default/jobs/" + name);
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    return JSON.readTree(answer.body());
  }

  private JsonNode awaitFinished(String name, Duration timeout) {
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              String phase = job(name).get("status").get("phase").asString();
              return phase.equals("Succeeded")
                  || phase.equals("Failed")
                  || phase.equals("Cancelled");
            });
    return job(name);
  }

  /**
   * The file {@code path} of a succeeded job's output, once the control plane has collected it into
   * its artifact store (the local store's file).
   */
  private static Path collected(JsonNode job, String path) {
    Path file =
        DATA.resolve("artifacts/jobs")
            .resolve(job.get("uid").asString())
            .resolve("output")
            .resolve(path);
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.isRegularFile(file));
    return file;
  }

  private String log(String name, String replica) {
    return http.get(token, "/api/v1/projects/default/jobs/" + name + "/logs?replica=" + replica)
        .body();
  }

  private static JsonNode replica(JsonNode job, String name) {
    for (JsonNode replica : job.get("status").get("replicas")) {
      if (replica.get("name").asString().equals(name)) {
        return replica;
      }
    }
    throw new AssertionError("no replica " + name + " in " + job);
  }

  private static String events(JsonNode job) {
    StringBuilder reasons = new StringBuilder();
    for (JsonNode event : job.get("events")) {
      reasons.append(event.get("reason").asString()).append(' ');
    }
    return reasons.toString();
  }

  private static String ddpJob(String name, String policy, int backoff, String... args) {
    return """
        apiVersion: capstan.io/v1
        kind: TrainingJob
        metadata: {name: %s}
        spec:
          framework: pytorch
          restartPolicy: %s
          backoffLimit: %d
          replicas:
            - role: worker
              count: 2
              image: capstan/examples:latest
              command: [python3, /examples/pytorch-ddp/train.py]
              args: [%s]
        """
        .formatted(name, policy, backoff, String.join(", ", quoted(args)));
  }

  private static String ddpLike(String name, String policy, String script) {
    return """
        apiVersion: capstan.io/v1
        kind: TrainingJob
        metadata: {name: %s}
        spec:
          restartPolicy: %s
          replicas:
            - role: worker
              count: 2
              command: [sh, -c, "%s"]
        """
        .formatted(name, policy, script);
  }

  private static String[] quoted(String[] args) {
    String[] quoted = new String[args.length];
    for (int i = 0; i < args.length; i++) {
      quoted[i] = "\"" + args[i] + "\"";
    }
    return quoted;
  }
}
