package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.server.CapstanServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a user coming from Arena types, through the real CLI against a server booted with the
 * production wiring: a builder with Arena's flags and one quoted command string, stored as the YAML
 * fields they name; the logs of every replica, prefixed, followed at once; {@code rm}.
 */
@SpringBootTest(
    classes = CapstanServer.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ArenaCliIT {
  private static final Path DATA = ServerFixture.newDataDir("capstan-arena-it");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("capstan.data-dir", DATA::toString);
    registry.add("capstan.home", () -> ServerFixture.repository().toString());
    registry.add("capstan.stop-grace-period", () -> "3s");
  }

  @Value("${local.server.port}")
  int port;

  private TestingCli cli;

  @BeforeEach
  void setUp() {
    cli = new TestingCli("http://127.0.0.1:" + port, ServerFixture.adminToken(DATA));
  }

  @Test
  void arenaFlagsAreStoredAsTheirFieldsAndTheQuotedCommandRunsThroughSh() {
    TestingCli.Result submitted =
        cli.run(
            "submit",
            "pytorch",
            "--name",
            "arena-flags",
            "--workers",
            "2",
            "--retry",
            "1",
            "--ttl-after-finished",
            "1h",
            "--running-timeout",
            "10m",
            "--priority",
            "high",
            "--label",
            "team=vision",
            "-e",
            "GREETING=hello",
            "echo \"$GREETING from $CAPSTAN_REPLICA\" | tr a-z A-Z && echo done");
    assertThat(submitted.exitCode()).as(submitted.err()).isZero();
    assertThat(submitted.out()).isEqualTo("arena-flags\n");

    TestingCli.Result waited = cli.run("wait", "arena-flags", "--timeout", "2m");

    assertThat(waited.exitCode()).as(waited.out() + waited.err()).isZero();
    JsonNode job = JSON.readTree(cli.run("get", "arena-flags", "-o", "json").out());
    JsonNode spec = job.get("spec");
    assertThat(spec.get("backoffLimit").asInt()).isEqualTo(1);
    assertThat(spec.get("ttlSecondsAfterFinished").asLong()).isEqualTo(3600);
    assertThat(spec.get("activeDeadlineSeconds").asLong()).isEqualTo(600);
    assertThat(spec.get("priority").asInt()).isEqualTo(100);
    assertThat(spec.get("labels").get("team").asString()).isEqualTo("vision");
    assertThat(
            spec.get("replicaGroups").get(0).get("command").valueStream().map(JsonNode::asString))
        .containsExactly(
            "sh", "-c", "echo \"$GREETING from $CAPSTAN_REPLICA\" | tr a-z A-Z && echo done");
    assertThat(job.get("status").get("phase").asString()).isEqualTo("Succeeded");
    // Each replica's log starts with the runtime's attempt banner, prefixed like any line.
    assertThat(cli.run("logs", "arena-flags").out())
        .startsWith("worker-0 | --- capstan: worker-0 attempt 1 started at ")
        .containsSubsequence(
            "worker-0 | HELLO FROM WORKER-0\nworker-0 | done\n",
            "worker-1 | --- capstan: worker-1 attempt 1 started at ",
            "worker-1 | HELLO FROM WORKER-1\nworker-1 | done\n");

    // Honoured: the working directory and the project's volume (issue 16 part 3).
    TestingCli.Result pod =
        cli.run(
            "submit",
            "job",
            "--name",
            "arena-pod",
            "--working-dir",
            "/w",
            "--data",
            "imagenet:/data",
            "echo cwd=$(pwd); echo kept > /data/kept.txt && echo data-writable");
    assertThat(pod.exitCode()).as(pod.err()).isZero();
    assertThat(pod.err()).doesNotContain("warning");
    TestingCli.Result podWaited = cli.run("wait", "arena-pod", "--timeout", "90s");
    assertThat(podWaited.exitCode()).as(podWaited.out() + podWaited.err()).isZero();
    assertThat(cli.run("logs", "arena-pod").out()).contains("cwd=/w", "data-writable");
    assertThat(cli.run("data", "list").out()).contains("imagenet");
    assertThat(cli.run("rm", "arena-pod").exitCode()).isZero();

    TestingCli.Result removed = cli.run("rm", "arena-flags");
    assertThat(removed.exitCode()).as(removed.err()).isZero();
    assertThat(cli.run("get", "arena-flags").exitCode()).isEqualTo(3);
  }

  @Test
  void logsFollowEveryReplicaAtOnceWithItsPrefixUntilTheJobEnds() throws Exception {
    // Both replicas wait for a gate in the job's checkpoint folder, which the test can reach.
    TestingCli.Result submitted =
        cli.run(
            "submit",
            "job",
            "--name",
            "arena-logs",
            "--workers",
            "2",
            "--restart-policy",
            "Never",
            "echo first $CAPSTAN_REPLICA; while [ ! -f $CAPSTAN_CHECKPOINT_DIR/go ]; do sleep 0.1;"
                + " done; echo last $CAPSTAN_REPLICA");
    assertThat(submitted.exitCode()).as(submitted.err()).isZero();

    TestingCli.Running follow = cli.start("logs", "arena-logs", "-f");

    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                follow.outSoFar().contains("worker-0 | first worker-0\n")
                    && follow.outSoFar().contains("worker-1 | first worker-1\n"));
    assertThat(follow.result()).as("still following while the job runs").isNotDone();
    String uid =
        JSON.readTree(cli.run("get", "arena-logs", "-o", "json").out()).get("uid").asString();
    Files.createFile(DATA.resolve("runtime/volumes").resolve(uid).resolve("checkpoints/go"));
    TestingCli.Result followed = follow.result().get(60, TimeUnit.SECONDS);
    assertThat(followed.exitCode()).as(followed.err()).isZero();
    assertThat(followed.out().lines().filter(line -> !line.contains(" | --- capstan: ")).toList())
        .containsExactlyInAnyOrderElementsOf(
            List.of(
                "worker-0 | first worker-0",
                "worker-1 | first worker-1",
                "worker-0 | last worker-0",
                "worker-1 | last worker-1"));
  }

  /**
   * Times per line (decision 85): a line printed three seconds after another is stamped at least
   * two seconds later (the shipper archives every second), and --since a line's time shows it and
   * what followed, not what came before.
   */
  @Test
  void logLinesCarryTheTimeTheyWereArchivedAndSinceFiltersByIt() {
    TestingCli.Result submitted =
        cli.run("submit", "job", "--name", "timed", "echo early && sleep 3 && echo late");
    assertThat(submitted.exitCode()).as(submitted.err()).isZero();
    TestingCli.Result waited = cli.run("wait", "timed", "--timeout", "2m");
    assertThat(waited.exitCode()).as(waited.out() + waited.err()).isZero();

    TestingCli.Result stamped = cli.run("logs", "timed", "--timestamps");
    assertThat(stamped.exitCode()).as(stamped.err()).isZero();
    java.util.Map<String, java.time.Instant> times = new java.util.HashMap<>();
    for (String line : stamped.out().lines().toList()) {
      assertThat(line).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z .*");
      times.put(line.substring(25), java.time.Instant.parse(line.substring(0, 24)));
    }
    assertThat(times).containsKeys("early", "late");
    assertThat(java.time.Duration.between(times.get("early"), times.get("late")))
        .isBetween(java.time.Duration.ofSeconds(2), java.time.Duration.ofSeconds(5));

    TestingCli.Result since = cli.run("logs", "timed", "--since", times.get("late").toString());
    assertThat(since.exitCode()).as(since.err()).isZero();
    assertThat(since.out()).contains("late\n").doesNotContain("early");
    assertThat(cli.run("logs", "timed", "--since", "1h").out()).contains("early\n", "late\n");
    assertThat(cli.run("rm", "timed").exitCode()).isZero();
  }
}
