package io.capstan.cli.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.cli.ExitCodes;
import io.capstan.cli.TestingApiServer;
import io.capstan.cli.TestingApiServer.RecordedRequest;
import io.capstan.cli.TestingCli;
import io.capstan.cli.TestingCli.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubmitCommandTest {
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
        "{\"name\":\"train-a\",\"project\":\"default\",\"uid\":\"u1\",\"phase\":\"Queued\"}");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void pytorchjobBuildsTheExactDocument() {
    Result result =
        cli.run(
            "submit",
            "pytorchjob",
            "--workers",
            "2",
            "--gpus",
            "1",
            "--cpu",
            "4",
            "--memory",
            "8Gi",
            "--name",
            "train-a",
            "--image",
            "pytorch:2.3",
            "--env",
            "LR=0.1",
            "--env",
            "EPOCHS=3",
            "--backoff-limit",
            "5",
            "--",
            "python",
            "train.py",
            "--epochs",
            "3");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).isEqualTo("train-a\n");
    RecordedRequest request = server.lastRequest();
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo(JOBS);
    assertThat(request.header("Content-Type")).isEqualTo("application/json");
    assertThat(request.header("Authorization")).isEqualTo("Bearer " + TestingCli.TOKEN);
    assertThat(request.body())
        .isEqualTo(
            "{\"apiVersion\":\"capstan.io/v1\",\"kind\":\"TrainingJob\","
                + "\"metadata\":{\"name\":\"train-a\"},"
                + "\"spec\":{\"framework\":\"pytorch\",\"restartPolicy\":\"OnFailure\","
                + "\"backoffLimit\":5,\"replicas\":[{\"role\":\"worker\",\"count\":2,"
                + "\"image\":\"pytorch:2.3\","
                + "\"command\":[\"python\",\"train.py\",\"--epochs\",\"3\"],"
                + "\"env\":{\"LR\":\"0.1\",\"EPOCHS\":\"3\"},"
                + "\"resources\":{\"cpu\":\"4\",\"memory\":\"8Gi\",\"gpu\":1}}]}}");
  }

  @Test
  void pytorchjobWithoutANameAsksTheServerToGenerateOne() {
    Result result = cli.run("submit", "pytorchjob", "--", "python", "train.py");

    assertThat(result.exitCode()).isZero();
    assertThat(server.lastRequest().body())
        .isEqualTo(
            "{\"apiVersion\":\"capstan.io/v1\",\"kind\":\"TrainingJob\","
                + "\"metadata\":{\"generateName\":\"pytorchjob-\"},"
                + "\"spec\":{\"framework\":\"pytorch\",\"restartPolicy\":\"OnFailure\","
                + "\"backoffLimit\":3,\"replicas\":[{\"role\":\"worker\",\"count\":1,"
                + "\"command\":[\"python\",\"train.py\"],"
                + "\"resources\":{\"cpu\":\"1\",\"memory\":\"1Gi\",\"gpu\":0}}]}}");
  }

  @Test
  void oneCommandStringRunsThroughShAsInArena() {
    Result result =
        cli.run(
            "submit",
            "pytorch",
            "--workers",
            "2",
            "cd /data && python train.py --epochs 3 | tee log.txt");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(server.lastRequest().body())
        .contains(
            "\"command\":[\"sh\",\"-c\","
                + "\"cd /data && python train.py --epochs 3 | tee log.txt\"]");
  }

  @Test
  void severalWordsRunAsTheyAreWithoutAShell() {
    Result result = cli.run("submit", "job", "echo", "$HOME", "&&", "ls");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(server.lastRequest().body())
        .contains("\"command\":[\"echo\",\"$HOME\",\"&&\",\"ls\"]");
  }

  @Test
  void aBlankCommandStringIsAUsageError() {
    Result result = cli.run("submit", "pytorch", " ");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err())
        .isEqualTo("error: Expected CMD to be a command line, but it is blank\n");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void pytorchjobPassesProcessesPerNodeForTorchrun() {
    Result result =
        cli.run(
            "submit",
            "pytorchjob",
            "--workers",
            "2",
            "--nproc-per-node",
            "4",
            "--",
            "torchrun",
            "train.py");

    assertThat(result.exitCode()).isZero();
    assertThat(server.lastRequest().body())
        .contains("\"backoffLimit\":3,\"replicas\":[{\"role\":\"worker\",\"count\":2,")
        .endsWith("}}],\"processesPerNode\":4}}");
  }

  @Test
  void tfjobHasParameterServersWithoutGpusThenWorkers() {
    Result result =
        cli.run(
            "submit",
            "tfjob",
            "--ps",
            "1",
            "--workers",
            "2",
            "--gpus",
            "2",
            "--restart-policy",
            "never",
            "--",
            "python",
            "tf.py");

    assertThat(result.exitCode()).isZero();
    assertThat(server.lastRequest().body())
        .isEqualTo(
            "{\"apiVersion\":\"capstan.io/v1\",\"kind\":\"TrainingJob\","
                + "\"metadata\":{\"generateName\":\"tfjob-\"},"
                + "\"spec\":{\"framework\":\"tensorflow\",\"restartPolicy\":\"Never\","
                + "\"backoffLimit\":3,\"replicas\":["
                + "{\"role\":\"ps\",\"count\":1,\"command\":[\"python\",\"tf.py\"],"
                + "\"resources\":{\"cpu\":\"1\",\"memory\":\"1Gi\",\"gpu\":0}},"
                + "{\"role\":\"worker\",\"count\":2,\"command\":[\"python\",\"tf.py\"],"
                + "\"resources\":{\"cpu\":\"1\",\"memory\":\"1Gi\",\"gpu\":2}}]}}");
  }

  @Test
  void genericJobUsesTheGenericFramework() {
    Result result = cli.run("submit", "job", "-p", "vision", "--", "echo", "hi");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND); // no canned answer for vision
    assertThat(server.lastRequest().path()).isEqualTo("/api/v1/projects/vision/jobs");
    assertThat(server.lastRequest().body())
        .contains("\"generateName\":\"job-\"", "\"framework\":\"generic\"");
  }

  @Test
  void badFlagValuesAreUsageErrorsAndSendNothing() {
    assertThat(cli.run("submit", "pytorchjob", "--cpu", "lots", "--", "x").exitCode())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(cli.run("submit", "pytorchjob", "--workers", "0", "--", "x").err())
        .isEqualTo("error: Expected --workers to be at least 1, but was 0\n");
    assertThat(cli.run("submit", "pytorchjob", "--restart-policy", "Always", "--", "x").err())
        .contains("Expected one of Never, OnFailure, ExitCode, but was 'Always'");
    assertThat(cli.run("submit", "pytorchjob", "--workers", "2").exitCode())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void fileIsSentAsWrittenWithTheYamlContentType() throws Exception {
    String yaml =
        """
        apiVersion: kubeflow.org/v1
        kind: PyTorchJob
        metadata:
          name: train-a
        """;
    Path file = temp.resolve("job.yaml");
    Files.writeString(file, yaml);

    Result result = cli.run("submit", "-f", file.toString());

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).isEqualTo("train-a\n");
    assertThat(server.lastRequest().header("Content-Type")).isEqualTo("application/yaml");
    assertThat(server.lastRequest().body()).isEqualTo(yaml);
  }

  @Test
  void jsonFromStandardInputIsSentWithTheJsonContentType() {
    String json = "  {\"apiVersion\":\"capstan.io/v1\",\"kind\":\"TrainingJob\"}";

    Result result = cli.stdin(json).run("submit", "-f", "-");

    assertThat(result.exitCode()).isZero();
    assertThat(server.lastRequest().header("Content-Type")).isEqualTo("application/json");
    assertThat(server.lastRequest().body()).isEqualTo(json);
  }

  @Test
  void missingFileIsAUsageError() {
    Result result = cli.run("submit", "-f", temp.resolve("nope.yaml").toString());

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("Expected a job spec file, but '").contains("does not exist");
  }

  @Test
  void submitWithoutFileOrSubcommandIsAUsageError() {
    Result result = cli.run("submit");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err())
        .startsWith(
            "error: Expected -f FILE or one of the subcommands pytorchjob, tfjob, mpijob, job");
  }

  @Test
  void invalidSpecPrintsTheServersMessageAndField() {
    server.fail(
        "POST",
        "/api/v1/projects/p2/jobs",
        400,
        "INVALID_SPEC",
        "Expected replica count of 'worker' to be between 1 and 512, but was 0",
        "spec.replicas[0].count");

    Result result = cli.stdin("kind: TrainingJob").run("submit", "-f", "-", "-p", "p2");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(result.err())
        .isEqualTo(
            "error: Expected replica count of 'worker' to be between 1 and 512, but was 0\n"
                + "  field: spec.replicas[0].count\n");
  }
}
