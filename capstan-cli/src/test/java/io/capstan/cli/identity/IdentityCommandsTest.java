package io.capstan.cli.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.cli.ExitCodes;
import io.capstan.cli.TestingApiServer;
import io.capstan.cli.TestingApiServer.RecordedRequest;
import io.capstan.cli.TestingCli;
import io.capstan.cli.TestingCli.Result;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code project}, {@code user}, {@code token} and {@code whoami}. */
class IdentityCommandsTest {
  private static final String WHOAMI =
      "{\"user\":\"alice\",\"admin\":true,\"projects\":[{\"project\":\"vision\",\"role\":\"admin\","
          + "\"user\":\"vision\"}]}";

  @TempDir Path temp;

  private final TestingApiServer server = TestingApiServer.start();
  private TestingCli cli;

  @BeforeEach
  void setUp() {
    cli = TestingCli.against(server, temp);
    server.respond("GET", "/api/v1/whoami", 200, WHOAMI);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void projectListPrintsATable() {
    server.respond(
        "GET",
        "/api/v1/projects",
        200,
        "[{\"name\":\"vision\",\"description\":\"image models\","
            + "\"createdAt\":\"2025-01-01T10:00:00Z\","
            + "\"members\":[{\"user\":\"alice\",\"role\":\"admin\"}]},"
            + "{\"name\":\"default\",\"description\":null,\"createdAt\":\"2024-12-01T12:00:00Z\"}]");

    Result result = cli.run("project", "list");

    assertThat(result.out())
        .isEqualTo(
            """
            NAME      MEMBERS   AGE   DESCRIPTION
            vision    1         2h    image models
            default   0         31d   -
            """);
  }

  @Test
  void projectCreatePostsTheRequest() {
    server.respond("POST", "/api/v1/projects", 201, "{\"name\":\"nlp\"}");

    Result result = cli.run("project", "create", "nlp", "--description", "language");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).isEqualTo("Created project nlp\n");
    assertThat(server.lastRequest().body())
        .isEqualTo("{\"name\":\"nlp\",\"description\":\"language\"}");
    assertThat(server.lastRequest().header("Content-Type")).isEqualTo("application/json");
  }

  @Test
  void projectGetShowsMembers() {
    server.respond(
        "GET",
        "/api/v1/projects/vision",
        200,
        "{\"name\":\"vision\",\"description\":\"image models\","
            + "\"createdAt\":\"2025-01-01T10:00:00Z\","
            + "\"members\":[{\"user\":\"alice\",\"role\":\"admin\"},"
            + "{\"user\":\"bob\",\"role\":\"viewer\"}]}");

    Result result = cli.run("project", "get", "vision");

    assertThat(result.out())
        .isEqualTo(
            """
            Name:          vision
            Description:   image models
            Created:       2025-01-01T10:00:00Z (2h ago)

            USER    ROLE
            alice   admin
            bob     viewer
            """);
  }

  @Test
  void addMemberPutsTheRoleByItsWireName() {
    server.respond("PUT", "/api/v1/projects/vision/members", 200, "{}");

    Result result = cli.run("project", "add-member", "vision", "bob", "--role", "editor");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).isEqualTo("Added bob to project vision as editor\n");
    RecordedRequest request = server.lastRequest();
    assertThat(request.method()).isEqualTo("PUT");
    assertThat(request.body()).isEqualTo("{\"user\":\"bob\",\"role\":\"editor\"}");
  }

  @Test
  void addMemberRejectsAnUnknownRole() {
    Result result = cli.run("project", "add-member", "vision", "bob", "--role", "owner");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("--role", "owner");
  }

  @Test
  void removeMemberDeletesTheMember() {
    server.respond("DELETE", "/api/v1/projects/vision/members/bob", 204, null);

    Result result = cli.run("project", "remove-member", "vision", "bob");

    assertThat(result.exitCode()).isZero();
    assertThat(server.lastRequest().method()).isEqualTo("DELETE");
  }

  @Test
  void userListAndCreate() {
    server.respond(
        "GET",
        "/api/v1/users",
        200,
        "[{\"name\":\"admin\",\"admin\":true,\"createdAt\":\"2024-12-29T12:00:00Z\"},"
            + "{\"name\":\"bob\",\"admin\":false,\"createdAt\":\"2025-01-01T11:59:30Z\"}]");
    server.respond("POST", "/api/v1/users", 201, "{\"name\":\"carol\",\"admin\":true}");

    assertThat(cli.run("user", "list").out())
        .isEqualTo(
            """
            NAME    ADMIN   AGE
            admin   yes     3d
            bob     no      30s
            """);
    assertThat(cli.run("user", "create", "carol", "--admin").out())
        .isEqualTo("Created admin user carol\n");
    assertThat(server.lastRequest().body()).isEqualTo("{\"name\":\"carol\",\"admin\":true}");
  }

  @Test
  void userListForANonAdminExitsFour() {
    server.fail("GET", "/api/v1/users", 403, "PERMISSION_DENIED", "Expected an admin", null);

    assertThat(cli.run("user", "list").exitCode()).isEqualTo(ExitCodes.UNAUTHORIZED);
  }

  @Test
  void tokenCreateForTheCallerPrintsOnlyTheSecret() {
    server.respond(
        "POST",
        "/api/v1/users/alice/tokens",
        201,
        "{\"id\":\"tok1\",\"user\":\"alice\",\"name\":\"laptop\","
            + "\"createdAt\":\"2025-01-01T12:00:00Z\",\"token\":\"cap_new_secret\"}");

    Result result = cli.run("token", "create", "--name", "laptop");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).isEqualTo("cap_new_secret\n");
    assertThat(result.err()).contains("tok1").doesNotContain("cap_new_secret");
    assertThat(server.lastRequest().body()).isEqualTo("{\"name\":\"laptop\"}");
  }

  @Test
  void tokenListAndDeleteForAnotherUser() {
    server.respond(
        "GET",
        "/api/v1/users/bob/tokens",
        200,
        "[{\"id\":\"tok2\",\"user\":\"bob\",\"name\":\"ci\","
            + "\"createdAt\":\"2025-01-01T11:00:00Z\",\"token\":null}]");
    server.respond("DELETE", "/api/v1/users/bob/tokens/tok2", 204, null);

    assertThat(cli.run("token", "list", "--user", "bob").out())
        .isEqualTo(
            """
            ID     NAME   USER   AGE
            tok2   ci     bob    1h
            """);
    Result deleted = cli.run("token", "delete", "tok2", "--user", "bob");
    assertThat(deleted.out()).isEqualTo("Deleted token tok2\n");
    assertThat(server.lastRequest().method()).isEqualTo("DELETE");
    assertThat(server.requests()).noneMatch(r -> r.path().equals("/api/v1/whoami"));
  }

  @Test
  void tokenDeleteOfAnUnknownTokenExitsThree() {
    Result result = cli.run("token", "delete", "nope");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(server.lastRequest().path()).isEqualTo("/api/v1/users/alice/tokens/nope");
  }

  @Test
  void whoamiShowsTheCallerAndTheirProjects() {
    Result result = cli.run("whoami");

    assertThat(result.out())
        .isEqualTo(
            "User:      alice\n"
                + "Admin:     yes\n"
                + "Server:    "
                + server.url()
                + "\n"
                + "Project:   default\n"
                + "\n"
                + "PROJECT   ROLE\n"
                + "vision    admin\n");
  }

  @Test
  void groupCommandWithoutSubcommandIsAUsageError() {
    Result result = cli.run("project");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("Expected one of the subcommands list, create, get");
  }
}
