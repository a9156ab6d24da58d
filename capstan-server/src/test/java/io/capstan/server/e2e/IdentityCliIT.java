package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.server.CapstanServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Users, tokens, projects and memberships managed through the real CLI against a real server, the
 * bootstrap admin token, roles, and the unauthenticated health and OpenAPI endpoints.
 */
@SpringBootTest(
    classes = CapstanServer.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class IdentityCliIT {
  private static final Path DATA = ServerFixture.newDataDir("capstan-identity-it");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("capstan.data-dir", DATA::toString);
  }

  @Value("${local.server.port}")
  int port;

  private String url;
  private TestingCli admin;

  @BeforeEach
  void setUp() {
    url = "http://127.0.0.1:" + port;
    admin = new TestingCli(url, ServerFixture.adminToken(DATA));
  }

  @Test
  void theFirstStartWritesAnAdminTokenOnlyItsOwnerCanRead() throws Exception {
    Path file = DATA.resolve("admin.token");

    assertThat(Files.getPosixFilePermissions(file))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    TestingCli.Result whoami = admin.run("whoami");
    assertThat(whoami.exitCode()).as(whoami.err()).isZero();
    assertThat(whoami.out()).contains("admin").contains("default");
  }

  @Test
  void whoamiNamesEachProjectInAFieldCalledProject() {
    TestingHttp http = new TestingHttp(url);
    String wilma =
        ServerFixture.userWithProject(http, ServerFixture.adminToken(DATA), "wilma", "maps");

    JsonNode me = JSON.readTree(http.get(wilma, "/api/v1/whoami").body());

    assertThat(me.get("user").asString()).isEqualTo("wilma");
    JsonNode membership = me.get("projects").get(0);
    assertThat(membership.get("project").asString()).isEqualTo("maps");
    assertThat(membership.get("role").asString()).isEqualTo("admin");
    assertThat(membership.get("user").asString())
        .as("kept, deprecated, for CLIs that read the project from 'user'")
        .isEqualTo("maps");
    TestingCli.Result whoami = new TestingCli(url, wilma).run("whoami");
    assertThat(whoami.out()).contains("User:      wilma\n").contains("maps      admin\n");
  }

  @Test
  void usersTokensProjectsAndRolesThroughTheCli() {
    for (String user : new String[] {"carol", "dave"}) {
      TestingCli.Result created = admin.run("user", "create", user);
      assertThat(created.exitCode()).as(created.err()).isZero();
    }
    TestingCli.Result duplicate = admin.run("user", "create", "carol");
    assertThat(duplicate.exitCode()).isEqualTo(1);
    assertThat(duplicate.err()).contains("already exists");
    TestingCli carol = new TestingCli(url, token("carol"));
    TestingCli dave = new TestingCli(url, token("dave"));

    TestingCli.Result created = carol.run("project", "create", "speech");
    assertThat(created.exitCode()).as(created.err()).isZero();
    TestingCli.Result added =
        carol.run("project", "add-member", "speech", "dave", "--role", "viewer");
    assertThat(added.exitCode()).as(added.err()).isZero();

    String job =
        "apiVersion: capstan.io/v1\nkind: TrainingJob\nmetadata: {name: asr}\nspec:\n"
            + "  replicas: [{role: worker, count: 1, command: [\"true\"]}]\n";
    TestingCli.Result viewerSubmits = dave.runWithInput(job, "submit", "-f", "-", "-p", "speech");
    assertThat(viewerSubmits.exitCode()).as("a viewer may not submit").isEqualTo(4);
    assertThat(viewerSubmits.err()).contains("editor");
    TestingCli.Result editorSubmits = carol.runWithInput(job, "submit", "-f", "-", "-p", "speech");
    assertThat(editorSubmits.exitCode()).as(editorSubmits.err()).isZero();
    assertThat(dave.run("list", "-p", "speech", "--all-phases").out()).contains("asr");

    TestingCli.Result outsider = admin.run("user", "create", "erin");
    assertThat(outsider.exitCode()).as(outsider.err()).isZero();
    TestingCli erin = new TestingCli(url, token("erin"));
    TestingCli.Result hidden = erin.run("get", "asr", "-p", "speech");
    assertThat(hidden.exitCode())
        .as("a non-member is told the project does not exist")
        .isEqualTo(3);
    assertThat(erin.run("project", "list").out()).doesNotContain("speech");

    TestingCli.Result nonAdmin = carol.run("user", "create", "mallory");
    assertThat(nonAdmin.exitCode()).isEqualTo(4);
  }

  @Test
  void badNamesAreRejectedNamingTheField() {
    TestingHttp http = new TestingHttp(url);
    TestingHttp.Answer answer =
        http.post(
            ServerFixture.adminToken(DATA),
            "/api/v1/users",
            "application/json",
            "{\"name\":\"Not_A_Label\"}");

    assertThat(answer.status()).isEqualTo(400);
    JsonNode error = JSON.readTree(answer.body());
    assertThat(error.get("code").asString()).isEqualTo("INVALID_ARGUMENT");
    assertThat(error.get("field").asString()).isEqualTo("name");
  }

  @Test
  void healthAndTheOpenApiDocumentNeedNoToken() {
    TestingHttp http = new TestingHttp(url);

    assertThat(http.get(null, "/api/v1/health").status()).isEqualTo(200);
    TestingHttp.Answer openapi = http.get(null, "/api/v1/openapi.json");
    assertThat(openapi.status()).isEqualTo(200);
    JsonNode paths = JSON.readTree(openapi.body()).get("paths");
    assertThat(paths.has("/api/v1/projects/{project}/jobs")).isTrue();
    assertThat(paths.has("/api/v1/projects/{project}/jobs/{job}/logs")).isTrue();
    assertThat(Set.of("get", "post"))
        .allMatch(m -> paths.get("/api/v1/projects/{project}/jobs").has(m));
    assertThat(paths.has("/error")).as("the error page is no endpoint").isFalse();
  }

  @Test
  void theErrorPageIsNoEndpoint() {
    TestingHttp http = new TestingHttp(url);
    String token = ServerFixture.adminToken(DATA);

    for (String caller : new String[] {null, token}) {
      TestingHttp.Answer error = http.get(caller, "/error");
      assertThat(error.status()).as(error.body()).isEqualTo(404);
      assertThat(JSON.readTree(error.body()).get("code").asString()).isEqualTo("NOT_FOUND");
      assertThat(http.post(caller, "/error", "application/json", "{}").status()).isEqualTo(404);
    }
  }

  private String token(String user) {
    TestingCli.Result created = admin.run("token", "create", "--user", user, "--name", "it");
    assertThat(created.exitCode()).as(created.err()).isZero();
    return created.out().trim();
  }
}
