package io.capstan.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.cli.CapstanCli;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.TestingApiServer;
import io.capstan.cli.TestingCli;
import io.capstan.cli.TestingCli.Result;
import io.capstan.cli.client.WireCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoginCommandTest {
  private static final String WHOAMI =
      "{\"user\":\"alice\",\"admin\":false,\"projects\":[{\"user\":\"vision\",\"role\":\"editor\"}]}";

  @TempDir Path temp;

  private final TestingApiServer server = TestingApiServer.start();

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void verifiesTheTokenSavesTheConfigAndLaterCommandsUseIt() throws Exception {
    server.respond("GET", "/api/v1/whoami", 200, WHOAMI);
    TestingCli cli = new TestingCli(temp);

    Result login = cli.run("login", "--url", server.url() + "/", "--token", "alice-token");

    assertThat(login.exitCode()).isZero();
    assertThat(login.out()).isEqualTo("Logged in to " + server.url() + " as alice\n");
    assertThat(login.out() + login.err()).doesNotContain("alice-token");
    assertThat(server.lastRequest().header("Authorization")).isEqualTo("Bearer alice-token");
    assertThat(new ConfigFile(cli.configPath(), new WireCodec()).load())
        .contains(new SavedConfig(server.url(), "alice-token", null));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cli.configPath())))
        .isEqualTo("rw-------");

    server.respond("GET", "/api/v1/projects/default/jobs", 200, "[]");
    assertThat(cli.run("list").exitCode()).isZero();
    assertThat(server.lastRequest().header("Authorization")).isEqualTo("Bearer alice-token");
  }

  @Test
  void savesTheProjectWhenGiven() {
    server.respond("GET", "/api/v1/whoami", 200, WHOAMI);
    TestingCli cli = new TestingCli(temp);

    cli.run("login", "--url", server.url(), "--token", "t", "-p", "vision");
    server.respond("GET", "/api/v1/projects/vision/jobs", 200, "[]");

    assertThat(cli.run("list").exitCode()).isZero();
    assertThat(server.lastRequest().path()).isEqualTo("/api/v1/projects/vision/jobs");
  }

  @Test
  void rejectedTokenIsNotSavedAndExitsFour() {
    server.fail(
        "GET", "/api/v1/whoami", 401, "UNAUTHENTICATED", "Expected a valid API token", null);
    TestingCli cli = new TestingCli(temp);

    Result result = cli.run("login", "--url", server.url(), "--token", "wrong-token");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.UNAUTHORIZED);
    assertThat(result.err())
        .startsWith("error: Expected a valid API token")
        .doesNotContain("wrong-token");
    assertThat(cli.configPath()).doesNotExist();
  }

  @Test
  void withoutATokenIsAUsageError() {
    Result result = new TestingCli(temp).run("login", "--url", server.url());

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).startsWith("error: Expected a token: pass --token TOKEN");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void theConfigFileLivesUnderHomeAsTheShellSetsIt() {
    server.respond("GET", "/api/v1/whoami", 200, WHOAMI);
    Path home = temp.resolve("elsewhere");

    int exit = runAsMain(Map.of("HOME", home.toString()), "login", "--url", server.url());

    assertThat(exit).isZero();
    assertThat(new ConfigFile(home.resolve(".config/capstan/config.json"), new WireCodec()).load())
        .contains(new SavedConfig(server.url(), "t", null));
    server.respond("GET", "/api/v1/projects/default/jobs", 200, "[]");
    assertThat(runAsMain(Map.of("HOME", home.toString()), "list")).isZero();
    assertThat(server.lastRequest().header("Authorization")).isEqualTo("Bearer t");
  }

  @Test
  void capstanConfigBeatsHome() {
    server.respond("GET", "/api/v1/whoami", 200, WHOAMI);
    Path file = temp.resolve("team.json");

    int exit =
        runAsMain(
            Map.of("HOME", temp.resolve("home").toString(), "CAPSTAN_CONFIG", file.toString()),
            "login",
            "--url",
            server.url());

    assertThat(exit).isZero();
    assertThat(file).exists();
    assertThat(temp.resolve("home")).doesNotExist();
  }

  /** Runs the CLI as {@code main} builds it from the environment, logging in with token t. */
  private static int runAsMain(Map<String, String> env, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    if (all.get(0).equals("login")) {
      all.addAll(List.of("--token", "t"));
    }
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return CapstanCli.fromEnvironment(env, new ByteArrayInputStream(new byte[0]), sink, sink)
        .run(all.toArray(String[]::new));
  }
}
