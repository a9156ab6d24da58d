package io.capstan.cli.job;

import static io.capstan.cli.job.JobFixture.job;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.job.JobPhase;
import io.capstan.cli.TestingApiServer;
import io.capstan.cli.TestingCli;
import io.capstan.cli.TestingCli.Result;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code capstan outputs NAME}. */
class OutputsCommandTest {
  private static final String OUTPUTS = "/api/v1/projects/default/jobs/train-a/outputs";

  @TempDir Path temp;

  private final TestingApiServer server = TestingApiServer.start();

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void listsTheCollectedFilesAndThoseLeftOutWithWhy() {
    server.respond(
        "GET",
        OUTPUTS,
        200,
        """
        {"collected": true,
         "files": [{"path": "model.onnx", "sizeBytes": 1234, "sha256": "ab12"},
                   {"path": "eval/metrics.json", "sizeBytes": 17, "sha256": "cd34"}],
         "notCollected": [{"path": "escape.onnx", "reason": "not a regular file"}]}
        """);

    Result result = TestingCli.against(server, temp).run("outputs", "train-a");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .isEqualTo(
            """
            PATH                BYTES   SHA256
            model.onnx          1234    ab12
            eval/metrics.json   17      cd34

            Not collected:
              - escape.onnx: not a regular file
            """);
  }

  @Test
  void saysWhyAJobsOutputsAreNotCollectedByItsPhase() {
    server.respond(
        "GET", OUTPUTS, 200, "{\"collected\": false, \"files\": [], \"notCollected\": []}");
    server.respond(
        "GET",
        "/api/v1/projects/default/jobs/train-a",
        200,
        job("train-a").phase(JobPhase.RUNNING).json());

    Result running = TestingCli.against(server, temp).run("outputs", "train-a");

    assertThat(running.out())
        .contains(
            "Job train-a has no collected outputs: they are collected when it succeeds, and it is"
                + " Running");
  }

  @Test
  void aSucceededJobWithoutCollectedOutputsIsExplained() {
    server.respond(
        "GET", OUTPUTS, 200, "{\"collected\": false, \"files\": [], \"notCollected\": []}");
    server.respond(
        "GET",
        "/api/v1/projects/default/jobs/train-a",
        200,
        job("train-a").phase(JobPhase.SUCCEEDED).json());

    Result succeeded = TestingCli.against(server, temp).run("outputs", "train-a");

    assertThat(succeeded.out())
        .contains("Job train-a succeeded, but its outputs are not collected")
        .contains("upgrade notes");
  }
}
