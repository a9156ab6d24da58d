package io.capstan.cli.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.cli.TestingApiServer;
import io.capstan.cli.TestingCli;
import io.capstan.cli.TestingCli.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the server says it will not act on is printed on stderr; stdout stays the job's name. */
class SubmitWarningsTest {
  @TempDir Path temp;

  private final TestingApiServer server = TestingApiServer.start();

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void warningsGoToStderrAndTheNameAloneToStdout() throws Exception {
    server.respond(
        "POST",
        "/api/v1/projects/default/jobs",
        201,
        """
        {"name": "mnist", "project": "default", "uid": "u1", "phase": "Queued",
         "warnings": ["Field spec.x.volumes is accepted but not acted on: Capstan runs the job \
        without it"]}
        """);
    Path file = Files.writeString(temp.resolve("job.yaml"), "kind: PyTorchJob\n");

    Result result = TestingCli.against(server, temp).run("submit", "-f", file.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).isEqualTo("mnist\n");
    assertThat(result.err())
        .isEqualTo(
            "warning: Field spec.x.volumes is accepted but not acted on: Capstan runs the job"
                + " without it\n");
  }
}
