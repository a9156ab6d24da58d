package io.capstan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.cli.TestingCli.Result;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CapstanCliTest {
  @TempDir Path temp;

  private final TestingApiServer server = TestingApiServer.start();

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void helpListsTheCommandsAndTheExitCodes() {
    Result result = new TestingCli(temp).run("--help");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .contains("submit", "list", "get", "logs", "wait", "cancel", "delete", "login")
        .contains("project", "user", "token", "whoami")
        .contains("Exit codes:")
        .containsPattern("124\\s+'wait' timed out")
        .containsPattern("5\\s+server unreachable");
  }

  @Test
  void everySubcommandHasHelpEvenWithRequiredArguments() {
    Result result = new TestingCli(temp).run("submit", "pytorchjob", "--help");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .startsWith("Usage: capstan submit pytorchjob")
        .contains("--workers=N", "--restart-policy=POLICY", "--url=URL");
  }

  @Test
  void noCommandIsAUsageError() {
    Result result = new TestingCli(temp).run();

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).startsWith("error: Missing a command");
  }

  @Test
  void unknownOptionIsAUsageErrorWithAHint() {
    Result result = new TestingCli(temp).run("list", "--bogus");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err())
        .contains("error: Unknown option: '--bogus'")
        .contains("Try 'capstan list --help' for usage.");
  }

  @Test
  void connectionFlagsWorkAfterAnySubcommand() {
    server.respond("GET", "/api/v1/projects/vision/jobs", 200, "[]");

    Result result =
        new TestingCli(temp)
            .run("list", "--url", server.url(), "--token", "flag-token", "-p", "vision");

    assertThat(result.exitCode()).isZero();
    assertThat(server.lastRequest().header("Authorization")).isEqualTo("Bearer flag-token");
  }

  @Test
  void connectionFlagsWorkOnNestedSubcommands() {
    server.respond("GET", "/api/v1/users/bob/tokens", 200, "[]");

    Result result =
        new TestingCli(temp)
            .run("token", "list", "--user", "bob", "--url", server.url(), "--token", "t2");

    assertThat(result.exitCode()).isZero();
    assertThat(server.lastRequest().header("Authorization")).isEqualTo("Bearer t2");
  }

  @Test
  void unreachableServerExitsWithFiveAndNamesTheUrl() {
    String url = server.url();
    server.close();

    Result result = new TestingCli(temp).env("CAPSTAN_URL", url).run("list");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(result.err()).startsWith("error: Cannot reach the Capstan server at " + url);
  }

  @Test
  void malformedUrlIsAUsageError() {
    Result result = new TestingCli(temp).run("list", "--url", "localhost:7070");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err())
        .isEqualTo(
            "error: Expected a server URL such as http://localhost:7070, but was"
                + " 'localhost:7070'\n");
  }
}
