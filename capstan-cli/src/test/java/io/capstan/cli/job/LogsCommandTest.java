package io.capstan.cli.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.api.job.LogStream;
import io.capstan.cli.CapstanCli;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.TestingApiServer;
import io.capstan.cli.TestingCli;
import io.capstan.cli.TestingCli.Result;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogsCommandTest {
  private static final String LOGS = "/api/v1/projects/default/jobs/train-a/logs";

  @TempDir Path temp;

  private final TestingApiServer server = TestingApiServer.start();

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void printsTheLogAndPassesReplicaFollowAndTail() {
    server.handle(
        "GET",
        LOGS,
        exchange ->
            TestingApiServer.send(exchange, 200, "text/plain", "epoch 1 loss 0.5\nepoch 2\n"));

    Result result =
        TestingCli.against(server, temp)
            .run("logs", "train-a", "--replica", "worker-1", "-f", "--tail", "20");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).isEqualTo("epoch 1 loss 0.5\nepoch 2\n");
    assertThat(server.lastRequest().query()).isEqualTo("replica=worker-1&follow=true&tail=20");
    assertThat(server.lastRequest().header("Authorization"))
        .isEqualTo("Bearer " + TestingCli.TOKEN);
  }

  @Test
  void aFollowEndedByRevocationExitsAsUnauthorized() {
    server.handle(
        "GET",
        LOGS,
        exchange ->
            TestingApiServer.send(
                exchange, 200, "text/plain", "epoch 1\n" + LogStream.REVOKED_LINE + "\n"));

    Result result = TestingCli.against(server, temp).run("logs", "train-a", "-f");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.UNAUTHORIZED);
    assertThat(result.out()).isEqualTo("epoch 1\n" + LogStream.REVOKED_LINE + "\n");
    assertThat(result.err())
        .isEqualTo("error: Stopped following the log of job 'train-a': access was revoked\n");
  }

  @Test
  void withoutOptionsSendsNoQuery() {
    server.handle("GET", LOGS, exchange -> TestingApiServer.send(exchange, 200, "text/plain", ""));

    Result result = TestingCli.against(server, temp).run("logs", "train-a");

    assertThat(result.exitCode()).isZero();
    assertThat(server.lastRequest().query()).isNull();
  }

  @Test
  void copiesBytesAsTheyArrive() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    server.handle(
        "GET",
        LOGS,
        exchange -> {
          exchange.getResponseHeaders().add("Content-Type", "text/plain");
          exchange.sendResponseHeaders(200, 0); // chunked
          try (OutputStream body = exchange.getResponseBody()) {
            body.write("first line\n".getBytes(StandardCharsets.UTF_8));
            body.flush();
            // The second chunk is sent only once the CLI has printed the first one.
            await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> captured.toString(StandardCharsets.UTF_8).equals("first line\n"));
            body.write("second line\n".getBytes(StandardCharsets.UTF_8));
          }
        });
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int exitCode =
        new CapstanCli(
                Map.of("CAPSTAN_URL", server.url(), "CAPSTAN_TOKEN", "t"),
                temp.resolve("config.json"),
                new PrintStream(captured, false, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .run("logs", "train-a", "-f");

    assertThat(exitCode).isZero();
    assertThat(captured.toString(StandardCharsets.UTF_8)).isEqualTo("first line\nsecond line\n");
  }

  @Test
  void unknownReplicaPrintsTheServersMessageAndExitsThree() {
    server.fail(
        "GET",
        LOGS,
        404,
        "NOT_FOUND",
        "Replica 'worker-9' not found in job 'train-a'; replicas: [worker-0]",
        "replica");

    Result result = TestingCli.against(server, temp).run("logs", "train-a", "-r", "worker-9");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(result.err())
        .isEqualTo(
            "error: Replica 'worker-9' not found in job 'train-a'; replicas: [worker-0]\n"
                + "  field: replica\n");
  }
}
