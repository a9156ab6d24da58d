package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.server.store.TestingPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two control-plane replicas on one PostgreSQL database (cluster mode's set-up, decision 100): both
 * answer the API, one runs the controllers; SIGKILL the leader while a job runs and the other takes
 * over within the lease, the job finishes without a restart and its log is whole, and new work is
 * admitted by the new leader.
 */
class ControlPlaneReplicasIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String JOBS = "/api/v1/projects/default/jobs";

  @Test
  void theFollowerAnswersTheApiAndTakesOverWhenTheLeaderIsKilled() {
    Path data = ServerFixture.newDataDir("capstan-replicas-it");
    TestingPostgres pg = TestingPostgres.get();
    String database = pg.newDatabase();
    try (ServerProcess a = new ServerProcess(data, "server-a.log", settings(database, pg, "a"));
        ServerProcess b = new ServerProcess(data, "server-b.log", settings(database, pg, "b"))) {
      a.start();
      TestingHttp httpA = new TestingHttp(a.url());
      await().atMost(Duration.ofSeconds(30)).until(() -> controllers(httpA).equals("leading"));
      b.start();
      TestingHttp httpB = new TestingHttp(b.url());
      assertThat(controllers(httpB)).isEqualTo("following");
      String token = ServerFixture.adminToken(data);

      TestingHttp.Answer submitted =
          httpB.post(token, JOBS, "application/yaml", spec("survivor", 8));
      assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
      await()
          .atMost(Duration.ofMinutes(2))
          .until(() -> log(httpB, token, "survivor", "worker-1").contains("epoch 2 "));

      a.kill();
      long killed = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> controllers(httpB).equals("leading"));
      Duration takeover = Duration.ofNanos(System.nanoTime() - killed);
      assertThat(takeover)
          .as("within the lease of 3 s and a few tries")
          .isLessThan(Duration.ofSeconds(10));

      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> finished(httpB, token, "survivor"));
      JsonNode job = JSON.readTree(httpB.get(token, JOBS + "/survivor").body());
      assertThat(job.get("status").get("phase").asString()).isEqualTo("Succeeded");
      assertThat(job.get("status").get("restarts").asInt()).isZero();
      for (String replica : List.of("worker-0", "worker-1")) {
        String log = log(httpB, token, "survivor", replica);
        int rank = replica.endsWith("0") ? 0 : 1;
        for (int epoch = 1; epoch <= 8; epoch++) {
          assertThat(ServerFixture.occurrences(log, "rank " + rank + "/2 epoch " + epoch + " loss"))
              .as(replica + " epoch " + epoch + " logged exactly once")
              .isEqualTo(1);
        }
      }

      TestingHttp.Answer after = httpB.post(token, JOBS, "application/yaml", spec("after", 1));
      assertThat(after.status()).as(after.body()).isEqualTo(201);
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> finished(httpB, token, "after"));
      assertThat(phase(httpB, token, "after")).isEqualTo("Succeeded");
    }
  }

  private static List<String> settings(String database, TestingPostgres pg, String identity) {
    return List.of(
        "spring.datasource.url=" + database,
        "spring.datasource.username=" + pg.user(),
        "spring.datasource.password=",
        "capstan.leader-election.enabled=true",
        "capstan.leader-election.identity=" + identity,
        "capstan.leader-election.lease-duration=3s",
        "capstan.leader-election.renew-deadline=2s",
        "capstan.leader-election.retry-period=250ms");
  }

  private static String spec(String name, int epochs) {
    return """
        apiVersion: capstan.io/v1
        kind: TrainingJob
        metadata: {name: %s}
        spec:
          framework: pytorch
          replicas:
            - role: worker
              count: 2
              image: capstan/examples:latest
              command: [python3, /examples/pytorch-ddp/train.py]
              args: ["--epochs", "%d", "--sleep-per-epoch", "1"]
        """
        .formatted(name, epochs);
  }

  private static String controllers(TestingHttp http) {
    return JSON.readTree(http.get(null, "/api/v1/health").body()).get("controllers").asString();
  }

  private static String phase(TestingHttp http, String token, String job) {
    return JSON.readTree(http.get(token, JOBS + "/" + job).body())
        .get("status")
        .get("phase")
        .asString();
  }

  private static boolean finished(TestingHttp http, String token, String job) {
    String phase = phase(http, token, job);
    return phase.equals("Succeeded") || phase.equals("Failed");
  }

  private static String log(TestingHttp http, String token, String job, String replica) {
    return http.get(token, JOBS + "/" + job + "/logs?replica=" + replica).body();
  }
}
