package io.capstan.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.cli.ExitCodes;
import io.capstan.cli.TestingApiServer;
import io.capstan.cli.TestingApiServer.RecordedRequest;
import io.capstan.cli.TestingCli;
import io.capstan.cli.TestingCli.Result;
import io.capstan.cli.client.WireCodec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code capstan login --oidc --device} against a canned server and provider: the device
 * authorization grant (RFC 8628) as the CLI speaks it. mock-oauth2-server, the provider of the
 * end-to-end test, has no device grant; the browser flow is tested end to end there (OidcSignInIT).
 */
class OidcLoginCommandTest {
  @TempDir Path temp;

  private final TestingApiServer server = TestingApiServer.start();

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void deviceFlowShowsTheCodePollsUntilConfirmedAndSavesTheExchangedToken() {
    settings(true);
    server.respond(
        "POST",
        "/idp/device",
        200,
        "{\"device_code\":\"dev-123\",\"user_code\":\"WDJB-MJHT\",\"verification_uri\":\""
            + server.url()
            + "/idp/activate\",\"expires_in\":60,\"interval\":1}");
    server.respond("POST", "/idp/token", 400, "{\"error\":\"authorization_pending\"}");
    server.respond("POST", "/idp/token", 200, "{\"id_token\":\"header.claims.signature\"}");
    server.respond(
        "POST",
        "/api/v1/auth/oidc/token",
        200,
        "{\"user\":\"ana\",\"token\":\"capsess_abc\",\"expiresAt\":\"2025-01-08T12:00:00Z\"}");
    TestingCli cli = new TestingCli(temp);

    Result login = cli.run("login", "--oidc", "--device", "--url", server.url());

    assertThat(login.exitCode()).as(login.err()).isZero();
    assertThat(login.out())
        .contains(
            "open " + server.url() + "/idp/activate on any device and enter the code WDJB-MJHT")
        .contains("Logged in to " + server.url() + " as ana")
        .contains("expires at 2025-01-08T12:00:00Z")
        .doesNotContain("capsess_abc", "header.claims.signature");
    List<RecordedRequest> polls =
        server.requests().stream().filter(r -> r.path().equals("/idp/token")).toList();
    assertThat(polls).hasSize(2);
    assertThat(polls.get(0).body())
        .contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code")
        .contains("device_code=dev-123", "client_id=capstan-cli");
    RecordedRequest exchange = server.lastRequest();
    assertThat(exchange.path()).isEqualTo("/api/v1/auth/oidc/token");
    assertThat(exchange.body()).contains("\"idToken\":\"header.claims.signature\"");
    assertThat(exchange.header("Authorization")).as("the exchange is open").isNull();
    assertThat(new ConfigFile(cli.configPath(), new WireCodec()).load().orElseThrow().token())
        .isEqualTo("capsess_abc");
  }

  @Test
  void aRefusedSignInExitsFourAndSavesNothing() {
    settings(true);
    server.respond(
        "POST",
        "/idp/device",
        200,
        "{\"device_code\":\"d\",\"user_code\":\"U\",\"verification_uri\":\"https://x\","
            + "\"interval\":1}");
    server.respond(
        "POST",
        "/idp/token",
        400,
        "{\"error\":\"access_denied\",\"error_description\":\"The user said no\"}");
    TestingCli cli = new TestingCli(temp);

    Result login = cli.run("login", "--oidc", "--device", "--url", server.url());

    assertThat(login.exitCode()).isEqualTo(ExitCodes.UNAUTHORIZED);
    assertThat(login.err()).contains("'access_denied': The user said no");
    assertThat(new ConfigFile(cli.configPath(), new WireCodec()).load()).isEmpty();
  }

  @Test
  void anIdTokenTheServerRefusesIsReportedWithTheServersReason() {
    settings(true);
    server.respond(
        "POST",
        "/idp/device",
        200,
        "{\"device_code\":\"d\",\"user_code\":\"U\",\"verification_uri\":\"https://x\","
            + "\"interval\":1}");
    server.respond("POST", "/idp/token", 200, "{\"id_token\":\"h.c.s\"}");
    server.fail(
        "POST",
        "/api/v1/auth/oidc/token",
        401,
        "UNAUTHENTICATED",
        "Expected an ID token issued by 'https://idp.example', but it was issued by 'https://other'",
        "idToken");
    TestingCli cli = new TestingCli(temp);

    Result login = cli.run("login", "--oidc", "--device", "--url", server.url());

    assertThat(login.exitCode()).isEqualTo(ExitCodes.UNAUTHORIZED);
    assertThat(login.err())
        .contains("issued by 'https://other'")
        .doesNotContain("--token TOKEN", "h.c.s");
    assertThat(new ConfigFile(cli.configPath(), new WireCodec()).load()).isEmpty();
  }

  @Test
  void aProviderWithoutTheDeviceGrantIsAUsageError() {
    settings(false);

    Result login = new TestingCli(temp).run("login", "--oidc", "--device", "--url", server.url());

    assertThat(login.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(login.err()).contains("no device_authorization_endpoint");
  }

  @Test
  void aServerWithoutOidcSaysSo() {
    server.fail(
        "GET",
        "/api/v1/auth/oidc",
        404,
        "NOT_FOUND",
        "Sign-in with an identity provider is not configured on this server",
        null);

    Result login = new TestingCli(temp).run("login", "--oidc", "--url", server.url());

    assertThat(login.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(login.err()).contains("not configured");
  }

  @Test
  void tokenAndOidcTogetherAreAUsageError() {
    Result login =
        new TestingCli(temp).run("login", "--oidc", "--token", "t", "--url", server.url());

    assertThat(login.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(server.requests()).isEmpty();
  }

  private void settings(boolean device) {
    server.respond(
        "GET",
        "/api/v1/auth/oidc",
        200,
        "{\"issuer\":\"https://idp.example\",\"clientId\":\"capstan-cli\",\"scopes\":[\"openid\"],"
            + "\"authorizationEndpoint\":\""
            + server.url()
            + "/idp/authorize\",\"tokenEndpoint\":\""
            + server.url()
            + "/idp/token\",\"deviceAuthorizationEndpoint\":"
            + (device ? "\"" + server.url() + "/idp/device\"" : "null")
            + "}");
  }
}
