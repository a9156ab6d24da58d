package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * SIGKILL the control plane while a job runs; a restarted server re-adopts it and loses nothing.
 */
class ServerRestartIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String JOBS = "/api/v1/projects/default/jobs";

  @Test
  void killedServerComesBackTracksTheRunningJobAndItsLogsAreWhole() {
    Path data = ServerFixture.newDataDir("capstan-restart-it");
    try (ServerProcess server = new ServerProcess(data)) {
      server.start();
      TestingHttp http = new TestingHttp(server.url());
      String token = ServerFixture.adminToken(data);
      TestingHttp.Answer submitted =
          http.post(
              token,
              JOBS,
              "application/yaml",
              """
              apiVersion: capstan.io/v1
              kind: TrainingJob
              metadata: {name: survivor}
              spec:
                framework: pytorch
                replicas:
                  - role: worker
                    count: 2
                    image: capstan/examples:latest
                    command: [python3, /examples/pytorch-ddp/train.py]
                    args: ["--epochs", "8", "--sleep-per-epoch", "1"]
              """);
      assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
      String uid = JSON.readTree(submitted.body()).get("uid").asString();
      await()
          .atMost(Duration.ofMinutes(2))
          .until(() -> log(http, token, "worker-1").contains("epoch 2 "));

      server.kill();
      assertThat(ServerFixture.replicaProcess(uid, "worker-0", "train.py"))
          .as("replicas outlive the control plane")
          .isPositive();
      server.start();

      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> phase(http, token).equals("Succeeded") || phase(http, token).equals("Failed"));
      JsonNode job = JSON.readTree(http.get(token, JOBS + "/survivor").body());
      assertThat(job.get("status").get("phase").asString()).isEqualTo("Succeeded");
      assertThat(job.get("status").get("restarts").asInt()).isZero();
      for (String replica : new String[] {"worker-0", "worker-1"}) {
        String log = log(http, token, replica);
        int rank = replica.endsWith("0") ? 0 : 1;
        for (int epoch = 1; epoch <= 8; epoch++) {
          assertThat(ServerFixture.occurrences(log, "rank " + rank + "/2 epoch " + epoch + " loss"))
              .as(replica + " epoch " + epoch + " logged exactly once")
              .isEqualTo(1);
        }
      }
    }
  }

  private static String phase(TestingHttp http, String token) {
    return JSON.readTree(http.get(token, JOBS + "/survivor").body())
        .get("status")
        .get("phase")
        .asString();
  }

  private static String log(TestingHttp http, String token, String replica) {
    return http.get(token, JOBS + "/survivor/logs?replica=" + replica).body();
  }
}
