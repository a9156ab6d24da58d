package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.server.metrics.PythonEventWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real PyTorch job reports metrics four ways at once: the {@code capstan_metrics} helper (to
 * {@code CAPSTAN_METRICS_FILE}), a line it writes there by hand, a TensorBoard event file in {@code
 * CAPSTAN_TENSORBOARD_DIR} (its tag {@code train/tb_loss} asked for as it is, with its slash), and
 * {@code name=value} lines it prints. They are in the API while it runs, with its progress in the
 * job's status; the control plane is killed, the job ends while it is down, and the restarted one
 * has every value exactly once.
 */
class TrainingMetricsIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String JOB = "/api/v1/projects/default/jobs/fit";

  /** Five steps, a pause the test watches (progress each second), then three more steps. */
  private static final String TRAIN =
      PythonEventWriter.LIBRARY
          + """
          import os, socket, torch
          from capstan_metrics import report, progress
          torch.manual_seed(0)
          model = torch.nn.Linear(1, 1)
          optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
          x = torch.linspace(-1, 1, 32).unsqueeze(1)
          y = 3 * x + 1
          events = EventWriter(os.path.join(os.environ["CAPSTAN_TENSORBOARD_DIR"],
              "events.out.tfevents.%d.%s" % (time.time(), socket.gethostname())))
          with open(os.environ["CAPSTAN_METRICS_FILE"], "a") as f:
              f.write('{"step": 0, "by_hand": 1}\\nnot a json line\\n')
          def train(step):
              optimizer.zero_grad()
              loss = torch.nn.functional.mse_loss(model(x), y)
              loss.backward()
              optimizer.step()
              report(step=step, loss=loss)
              events.scalar("train/tb_loss", step, loss.item())
              print("step=%d printed_loss=%f" % (step, loss.item()), flush=True)
          for step in range(5):
              train(step)
          for second in range(30):
              progress(percent=50, eta_seconds=30 - second)
              time.sleep(1)
          for step in range(5, 8):
              train(step)
          progress(percent=100, eta_seconds=0)
          events.close()
          """;

  @Test
  void metricsOfEveryKindAreInTheApiWhileTheJobRunsAndAfterARestart() {
    Path data = ServerFixture.newDataDir("capstan-training-metrics-it");
    try (ServerProcess server = new ServerProcess(data)) {
      server.start();
      TestingHttp http = new TestingHttp(server.url());
      String token = ServerFixture.adminToken(data);
      TestingHttp.Answer submitted =
          http.post(
              token,
              "/api/v1/projects/default/jobs",
              "application/yaml",
              """
              apiVersion: capstan.io/v1
              kind: TrainingJob
              metadata: {name: fit}
              spec:
                framework: pytorch
                replicas:
                  - role: worker
                    count: 1
                    image: capstan/examples:latest
                    command: [python3, -c, %s]
              """
                  .formatted(JSON.writeValueAsString(TRAIN)));
      assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);

      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () ->
                  names(http, token).containsAll(List.of("loss", "train/tb_loss", "printed_loss")));
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> status(http, token).path("trainerStatus").isObject());
      JsonNode running = status(http, token);
      assertThat(running.get("phase").asString()).isEqualTo("Running");
      assertThat(running.get("trainerStatus").get("progressPercentage").asInt()).isEqualTo(50);
      assertThat(running.get("trainerStatus").get("estimatedRemainingSeconds").asLong())
          .isBetween(1L, 30L);
      assertThat(points(http, token, "loss")).hasSize(5);
      TestingCli.Result get = new TestingCli(server.url(), token).run("get", "fit");
      assertThat(get.out()).as(get.err()).containsPattern("Progress: +50% done, about \\d+s left");

      server.kill();
      server.start();

      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> status(http, token).get("phase").asString().matches("Succeeded|Failed"));
      assertThat(status(http, token).get("phase").asString()).isEqualTo("Succeeded");
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> points(http, token, "printed_loss").size() == 8);
      for (String name : List.of("loss", "train/tb_loss", "printed_loss")) {
        assertThat(points(http, token, name))
            .as(name + ": every step once, none twice")
            .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
      }
      JsonNode metrics = JSON.readTree(http.get(token, JOB + "/metrics").body());
      assertThat(metrics.get("skipped").asLong()).isEqualTo(1);
      assertThat(names(http, token)).contains("by_hand").doesNotContain("capstan_progress_percent");
      JsonNode done = status(http, token).get("trainerStatus");
      assertThat(done.get("progressPercentage").asInt()).isEqualTo(100);
      assertThat(done.get("replica").asString()).isEqualTo("worker-0");
      TestingCli.Result cli = new TestingCli(server.url(), token).run("metrics", "fit");
      assertThat(cli.exitCode()).as(cli.err()).isZero();
      assertThat(cli.out())
          .contains("train/tb_loss", "printed_loss", "by_hand")
          .contains("1 malformed line(s) or record(s) of the job's metric files were skipped");
    }
  }

  private static JsonNode status(TestingHttp http, String token) {
    return JSON.readTree(http.get(token, JOB).body()).get("status");
  }

  private static List<String> names(TestingHttp http, String token) {
    List<String> names = new ArrayList<>();
    JSON.readTree(http.get(token, JOB + "/metrics").body())
        .get("metrics")
        .forEach(m -> names.add(m.get("name").asString()));
    return names;
  }

  private static List<Long> points(TestingHttp http, String token, String name) {
    TestingHttp.Answer answer = http.get(token, JOB + "/metrics/" + name);
    List<Long> steps = new ArrayList<>();
    if (answer.status() == 200) {
      JSON.readTree(answer.body()).get("points").forEach(p -> steps.add(p.get("step").asLong()));
    }
    return steps;
  }
}
