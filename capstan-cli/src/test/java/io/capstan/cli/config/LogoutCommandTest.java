package io.capstan.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.cli.TestingApiServer;
import io.capstan.cli.TestingCli;
import io.capstan.cli.TestingCli.Result;
import io.capstan.cli.client.WireCodec;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code capstan logout} ends a sign-in session on the server and forgets any saved token. */
class LogoutCommandTest {
  @TempDir Path temp;

  private final TestingApiServer server = TestingApiServer.start();

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aSignInTokenIsEndedOnTheServerAndForgotten() {
    TestingCli cli = new TestingCli(temp);
    config(cli).save(new SavedConfig(server.url(), "capsess_abc", "speech"));
    server.respond("POST", "/auth/logout", 204, null);

    Result logout = cli.run("logout");

    assertThat(logout.exitCode()).as(logout.err()).isZero();
    assertThat(logout.out()).contains("the server ended the session");
    assertThat(server.lastRequest().header("Authorization")).isEqualTo("Bearer capsess_abc");
    assertThat(config(cli).load()).contains(new SavedConfig(server.url(), null, "speech"));
  }

  @Test
  void anApiTokenIsOnlyForgotten() {
    TestingCli cli = new TestingCli(temp);
    config(cli).save(new SavedConfig(server.url(), "cap_xyz", null));

    Result logout = cli.run("logout");

    assertThat(logout.exitCode()).isZero();
    assertThat(logout.out()).contains("the API token still exists");
    assertThat(server.requests()).isEmpty();
    assertThat(config(cli).load().orElseThrow().token()).isNull();
  }

  private static ConfigFile config(TestingCli cli) {
    return new ConfigFile(cli.configPath(), new WireCodec());
  }
}
