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
  private static final String JOB = "/api/v1/projects/default/jobs/train-a";
  private static final String LOGS = JOB + "/logs";

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
    server.respond("GET", JOB, 200, JobFixture.job("train-a").json());
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
  void aJobOfOneReplicaPrintsItsLogUnprefixedWithNoQuery() {
    server.respond("GET", JOB, 200, JobFixture.job("train-a").json());
    server.handle("GET", LOGS, exchange -> TestingApiServer.send(exchange, 200, "text/plain", ""));

    Result result = TestingCli.against(server, temp).run("logs", "train-a");

    assertThat(result.exitCode()).isZero();
    assertThat(server.lastRequest().query()).isNull();
  }

  @Test
  void copiesBytesAsTheyArrive() {
    server.respond("GET", JOB, 200, JobFixture.job("train-a").json());
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
  void withoutAReplicaPrintsEveryReplicaInRankOrderEachLinePrefixed() {
    server.respond("GET", JOB, 200, JobFixture.job("train-a").launcher().workers(2, 0).json());
    Map<String, String> logs =
        Map.of(
            "launcher-0", "mpirun started\n",
            "worker-0", "rank 0 epoch 1\nrank 0 done\n",
            "worker-1", "rank 1 epoch 1\nno newline at the end");
    server.handle(
        "GET",
        LOGS,
        exchange -> {
          String replica =
              exchange.getRequestURI().getQuery().replaceAll(".*replica=([^&]*).*", "$1");
          TestingApiServer.send(exchange, 200, "text/plain", logs.get(replica));
        });

    Result result = TestingCli.against(server, temp).run("logs", "train-a", "--tail", "5");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .isEqualTo(
            "launcher-0 | mpirun started\n"
                + "worker-0 | rank 0 epoch 1\n"
                + "worker-0 | rank 0 done\n"
                + "worker-1 | rank 1 epoch 1\n"
                + "worker-1 | no newline at the end\n");
    assertThat(server.requests().stream().map(TestingApiServer.RecordedRequest::query))
        .containsExactly(
            null,
            "replica=launcher-0&tail=5",
            "replica=worker-0&tail=5",
            "replica=worker-1&tail=5");
  }

  @Test
  void followStreamsEveryReplicaAtOnce() {
    server.respond("GET", JOB, 200, JobFixture.job("train-a").workers(2, 0).json());
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    // Each replica's second line waits for the other's first: one stream after the other would
    // never end, so the lines can only come out of two streams open at once.
    server.handle(
        "GET",
        LOGS,
        exchange -> {
          boolean first = exchange.getRequestURI().getQuery().contains("replica=worker-0");
          String me = first ? "worker-0" : "worker-1";
          String other = first ? "worker-1" : "worker-0";
          exchange.getResponseHeaders().add("Content-Type", "text/plain");
          exchange.sendResponseHeaders(200, 0); // chunked
          try (OutputStream body = exchange.getResponseBody()) {
            body.write(("hello from " + me + "\n").getBytes(StandardCharsets.UTF_8));
            body.flush();
            await()
                .atMost(Duration.ofSeconds(10))
                .until(
                    () ->
                        captured
                            .toString(StandardCharsets.UTF_8)
                            .contains(other + " | hello from " + other + "\n"));
            body.write(("bye from " + me + "\n").getBytes(StandardCharsets.UTF_8));
          }
        });

    int exitCode =
        new CapstanCli(
                Map.of("CAPSTAN_URL", server.url(), "CAPSTAN_TOKEN", "t"),
                temp.resolve("config.json"),
                new PrintStream(captured, false, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
            .run("logs", "train-a", "-f");

    assertThat(exitCode).isZero();
    assertThat(captured.toString(StandardCharsets.UTF_8).lines())
        .containsExactlyInAnyOrder(
            "worker-0 | hello from worker-0",
            "worker-1 | hello from worker-1",
            "worker-0 | bye from worker-0",
            "worker-1 | bye from worker-1");
    assertThat(server.requests().stream().map(TestingApiServer.RecordedRequest::query))
        .contains("replica=worker-0&follow=true", "replica=worker-1&follow=true");
  }

  @Test
  void sinceAndTimestampsBecomeTheQueryOfEveryReplicasStream() {
    server.respond("GET", JOB, 200, JobFixture.job("train-a").json());
    server.handle("GET", LOGS, exchange -> TestingApiServer.send(exchange, 200, "text/plain", ""));
    server.handle("GET", LOGS, exchange -> TestingApiServer.send(exchange, 200, "text/plain", ""));
    TestingCli cli = TestingCli.against(server, temp);

    Result duration =
        cli.run("logs", "train-a", "-r", "worker-0", "--since", "10m", "--timestamps");
    Result time =
        cli.run("logs", "train-a", "-r", "worker-0", "--since", "2026-01-02T04:04:05+01:00");

    assertThat(duration.exitCode()).as(duration.err()).isZero();
    assertThat(time.exitCode()).as(time.err()).isZero();
    assertThat(server.requests().stream().map(TestingApiServer.RecordedRequest::query))
        .containsExactly(
            "replica=worker-0&sinceSeconds=600&timestamps=true",
            "replica=worker-0&sinceTime=2026-01-02T03%3A04%3A05Z");
  }

  @Test
  void aSinceThatIsNeitherADurationNorATimeIsAUsageError() {
    Result result = TestingCli.against(server, temp).run("logs", "train-a", "--since", "yesterday");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err())
        .isEqualTo(
            "error: Expected --since to be a duration such as 10m or 2h, or a time such as"
                + " 2026-01-02T03:04:05Z, but was 'yesterday'\n");
    assertThat(TestingCli.against(server, temp).run("logs", "train-a", "--since", "500ms").err())
        .isEqualTo("error: Expected --since to be at least 1s, but was 500ms\n");
    assertThat(server.requests()).isEmpty();
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
