package io.capstan.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.identity.WhoAmI;
import io.capstan.cli.CliException;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.TestingApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ApiClientTest {
  private final TestingApiServer server = TestingApiServer.start();

  @AfterEach
  void stop() {
    server.close();
  }

  private ApiClient client(String token) {
    return new ApiClient(new Connection(server.url(), token, "default"), new WireCodec());
  }

  @Test
  void sendsTheBearerTokenAndReadsRecords() {
    server.respond(
        "GET",
        "/api/v1/whoami",
        200,
        "{\"user\":\"alice\",\"admin\":true,\"projects\":[],\"newField\":1}");

    WhoAmI me = client("t1").get("/api/v1/whoami", WhoAmI.class);

    assertThat(me).isEqualTo(new WhoAmI("alice", true, java.util.List.of()));
    assertThat(server.lastRequest().header("Authorization")).isEqualTo("Bearer t1");
    assertThat(server.lastRequest().header("Accept")).isEqualTo("application/json");
  }

  @Test
  void withoutATokenSendsNoAuthorizationAndExplainsThe401() {
    server.fail("GET", "/api/v1/whoami", 401, "UNAUTHENTICATED", "Expected a bearer token", null);

    assertThatThrownBy(() -> client(null).get("/api/v1/whoami", WhoAmI.class))
        .isInstanceOfSatisfying(
            CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.UNAUTHORIZED))
        .hasMessage(
            "Expected a bearer token (no token: run 'capstan login --url URL --token TOKEN' or"
                + " set CAPSTAN_TOKEN)");
    assertThat(server.lastRequest().header("Authorization")).isNull();
  }

  @Test
  void mapsStatusesToExitCodesAndKeepsTheField() {
    server.fail("GET", "/a", 404, "NOT_FOUND", "Project 'x' not found", null);
    server.fail("GET", "/b", 403, "PERMISSION_DENIED", "Expected admin", null);
    server.fail("GET", "/c", 400, "INVALID_ARGUMENT", "Expected a phase", "phase");
    server.fail("GET", "/d", 409, "ALREADY_EXISTS", "Job 'a' exists", "metadata.name");

    assertThat(failure("/a")).extracting(CliException::exitCode).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(failure("/b")).extracting(CliException::exitCode).isEqualTo(ExitCodes.UNAUTHORIZED);
    CliException invalid = failure("/c");
    assertThat(invalid.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(invalid.getMessage()).isEqualTo("Expected a phase");
    assertThat(invalid.field()).isEqualTo("phase");
    assertThat(failure("/d").field()).isEqualTo("metadata.name");
  }

  @Test
  void anErrorThatIsNotAnErrorBodyIsQuoted() {
    server.handle(
        "GET",
        "/proxy",
        exchange -> TestingApiServer.send(exchange, 502, "text/html", "<html>Bad Gateway</html>"));

    assertThat(failure("/proxy"))
        .hasMessage(
            "Expected a Capstan API answer from "
                + server.url()
                + ", but got HTTP 502: <html>Bad Gateway</html>");
  }

  @Test
  void anAnswerThatIsNotTheExpectedJsonIsAnError() {
    server.respond("GET", "/api/v1/whoami", 200, "[1,2]");

    assertThatThrownBy(() -> client("t").get("/api/v1/whoami", WhoAmI.class))
        .isInstanceOf(CliException.class)
        .hasMessageStartingWith(
            "Expected a Capstan API answer from " + server.url() + "/api/v1/whoami");
  }

  private CliException failure(String path) {
    try {
      client("t").getText(path);
    } catch (CliException e) {
      return e;
    }
    throw new AssertionError("Expected " + path + " to fail");
  }
}
