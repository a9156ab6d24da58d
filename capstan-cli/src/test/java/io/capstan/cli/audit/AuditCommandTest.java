package io.capstan.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.cli.TestingApiServer;
import io.capstan.cli.TestingCli;
import io.capstan.cli.TestingCli.Result;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code audit list}: filters into the query, pages followed, a table or the JSON. */
class AuditCommandTest {
  private static final String QUOTA =
      "{\"id\":7,\"at\":\"2025-01-01T11:59:00.123Z\",\"actor\":\"admin\",\"authMethod\":\"token\","
          + "\"remoteAddress\":\"10.0.0.5\",\"method\":\"PUT\","
          + "\"path\":\"/api/v1/projects/vision/quota\",\"project\":\"vision\","
          + "\"objectKind\":\"quota\",\"objectName\":\"vision\",\"action\":\"set\","
          + "\"outcome\":\"allowed\",\"status\":200,\"errorCode\":null,\"message\":null,"
          + "\"before\":{\"weight\":1},\"after\":{\"weight\":3}}";
  private static final String REFUSED =
      "{\"id\":5,\"at\":\"2025-01-01T11:58:00Z\",\"actor\":\"bob\",\"authMethod\":\"token\","
          + "\"remoteAddress\":\"10.0.0.9\",\"method\":\"POST\","
          + "\"path\":\"/api/v1/projects/vision/jobs\",\"project\":\"vision\","
          + "\"objectKind\":\"job\",\"objectName\":null,\"action\":\"create\","
          + "\"outcome\":\"refused\",\"status\":404,\"errorCode\":\"NOT_FOUND\","
          + "\"message\":\"Project 'vision' not found\",\"before\":null,\"after\":null}";

  @TempDir Path temp;

  private final TestingApiServer server = TestingApiServer.start();
  private TestingCli cli;

  @BeforeEach
  void setUp() {
    cli = TestingCli.against(server, temp);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void listSendsTheFiltersAndFollowsPagesUpToTheLimit() {
    server.respond("GET", "/api/v1/audit", 200, "{\"events\":[" + QUOTA + "],\"nextBefore\":7}");
    server.respond("GET", "/api/v1/audit", 200, "{\"events\":[" + REFUSED + "],\"nextBefore\":5}");

    Result result =
        cli.run("audit", "list", "--since", "1h", "--outcome", "refused", "--limit", "2");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(server.requests()).hasSize(2);
    assertThat(server.requests().get(0).query())
        .isEqualTo("outcome=refused&since=2025-01-01T11%3A00%3A00Z&limit=2");
    assertThat(server.requests().get(1).query())
        .isEqualTo("outcome=refused&since=2025-01-01T11%3A00%3A00Z&before=7&limit=1");
    assertThat(result.out())
        .contains("TIME", "USER", "FROM", "PROJECT", "ACTION", "OBJECT", "OUTCOME")
        .contains("2025-01-01T11:59:00Z", "admin", "10.0.0.5", "set", "quota vision", "allowed 200")
        .contains("bob", "create", "job", "refused 404 NOT_FOUND");
    assertThat(result.err()).contains("More events: add --before 5");
  }

  @Test
  void aProjectReadsThatProjectsLogAndJsonKeepsTheServersFields() {
    server.respond(
        "GET",
        "/api/v1/projects/vision/audit",
        200,
        "{\"events\":[" + QUOTA + "],\"nextBefore\":null}");

    Result result = cli.run("audit", "list", "-p", "vision", "--user", "admin", "-o", "json");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(server.lastRequest().query()).isEqualTo("user=admin&limit=50");
    assertThat(result.out()).contains("\"before\" : {", "\"weight\" : 3", "\"remoteAddress\"");
  }

  @Test
  void wideShowsBeforeAndAfter() {
    server.respond("GET", "/api/v1/audit", 200, "{\"events\":[" + QUOTA + "]}");

    Result result = cli.run("audit", "list", "-o", "wide");

    assertThat(result.out()).contains("{\"weight\":1}", "{\"weight\":3}");
  }

  @Test
  void aMalformedSinceIsAUsageError() {
    Result result = cli.run("audit", "list", "--since", "yesterday");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .contains("Expected --since to be a duration such as 30m, 1h or 2d")
        .contains("but was 'yesterday'");
    assertThat(server.requests()).isEmpty();
  }
}
