package io.capstan.cli.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.cli.TestingApiServer;
import io.capstan.cli.TestingCli;
import io.capstan.cli.TestingCli.Result;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code queue list|get|set-quota}. */
class QueueCommandTest {
  private static final String VISION =
      "{\"project\":\"vision\",\"quota\":{\"nominal\":{\"cpu\":\"16\",\"memory\":\"64Gi\","
          + "\"gpu\":\"4\"},\"borrowingLimit\":null,\"lendingLimit\":null,\"weight\":1,"
          + "\"policy\":\"LAS\"},\"usage\":{\"cpu\":\"8\",\"memory\":\"32Gi\",\"gpu\":\"2\"},"
          + "\"running\":1,\"pending\":3}";

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
  void listShowsUsageAgainstNominalQuota() {
    server.respond("GET", "/api/v1/queues", 200, "[" + VISION + "]");

    Result result = cli.run("queue", "list");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .contains("QUEUE", "GPU (USED/NOMINAL)", "PENDING")
        .contains("vision", "2/4", "8/16", "32Gi/64Gi", "LAS");
  }

  @Test
  void setQuotaPutsTheQuotaAndShowsTheResult() {
    server.respond("PUT", "/api/v1/projects/vision/quota", 200, VISION);

    Result result =
        cli.run(
            "queue", "set-quota", "vision", "--gpu", "4", "--borrow-gpu", "2", "--policy", "las");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(server.lastRequest().body())
        .contains("\"nominal\":{")
        .contains("\"gpu\":\"4\"")
        .contains("\"borrowingLimit\":{")
        .contains("\"gpu\":\"2\"")
        .contains("\"policy\":\"las\"");
    assertThat(result.out()).contains("Borrowing limit:", "unlimited", "1 running, 3 pending");
  }

  @Test
  void getOfAnUnknownProjectExitsNotFound() {
    server.respond(
        "GET",
        "/api/v1/projects/nope/quota",
        404,
        "{\"code\":\"NOT_FOUND\",\"family\":\"USER_ERROR\",\"status\":404,"
            + "\"message\":\"Project 'nope' not found\",\"field\":null}");

    Result result = cli.run("queue", "get", "nope");

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.err()).contains("Project 'nope' not found");
  }
}
