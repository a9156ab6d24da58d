package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A job's training metrics read from what it printed, and the control plane's {@code /metrics}
 * scraped by a real Prometheus with the shipped scrape configuration, and every query of the
 * shipped Grafana dashboard run against it.
 */
class MonitoringIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String MONITORING_TOKEN = "monitoring-" + "s3cr3t".repeat(4);
  private static final Path DEPLOY = ServerFixture.repository().resolve("deploy");

  /** Panels that must have data after one finished job and some API calls. */
  private static final Set<String> WITH_DATA =
      Set.of(
          "Workloads by phase",
          "Admissions per second",
          "CPU allocated per node",
          "API latency p99 by route",
          "API requests per second by status");

  @Test
  void prometheusScrapesTheShippedConfigurationAndTheDashboardsQueriesAnswer() throws Exception {
    Path data = ServerFixture.newDataDir("capstan-monitoring-it");
    try (ServerProcess server =
        new ServerProcess(
            data, "server.log", List.of("capstan.monitoring.token=" + MONITORING_TOKEN))) {
      server.start();
      TestingHttp http = new TestingHttp(server.url());
      String admin = ServerFixture.adminToken(data);
      String member = ServerFixture.userWithProject(http, admin, "mia", "vision");

      assertThat(http.get(null, "/metrics").status()).isEqualTo(401);
      assertThat(http.get(member, "/metrics").status())
          .as("a project member may not read every project's numbers")
          .isEqualTo(403);
      TestingHttp.Answer asAdmin = http.get(admin, "/metrics");
      assertThat(asAdmin.status()).isEqualTo(200);
      assertThat(asAdmin.body()).contains("# TYPE capstan_node_capacity_cpu_cores gauge");

      TestingHttp.Answer submitted =
          http.post(
              member,
              "/api/v1/projects/vision/jobs",
              "application/yaml",
              """
              apiVersion: capstan.io/v1
              kind: TrainingJob
              metadata: {name: quick}
              spec:
                framework: pytorch
                replicas:
                  - role: worker
                    count: 1
                    image: capstan/examples:latest
                    command: [python3, -c, "print('accuracy=0.91')"]
              """);
      assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () ->
                  JSON.readTree(http.get(member, "/api/v1/projects/vision/jobs/quick").body())
                      .get("status")
                      .get("phase")
                      .asString()
                      .equals("Succeeded"));
      // The log is archived within a second of being written, and its metrics with it.
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  !JSON.readTree(
                          http.get(member, "/api/v1/projects/vision/jobs/quick/metrics").body())
                      .get("metrics")
                      .isEmpty());
      JsonNode metrics =
          JSON.readTree(http.get(member, "/api/v1/projects/vision/jobs/quick/metrics").body());
      assertThat(metrics.get("metrics").get(0).get("name").asString()).isEqualTo("accuracy");
      assertThat(metrics.get("metrics").get(0).get("value").asDouble()).isEqualTo(0.91);
      assertThat(http.get(admin, "/api/v1/projects/vision/jobs/quick/metrics").status())
          .isEqualTo(200);
      TestingHttp.Answer series =
          http.get(member, "/api/v1/projects/vision/jobs/quick/metrics/accuracy");
      assertThat(JSON.readTree(series.body()).get("points").get(0).get("value").asDouble())
          .isEqualTo(0.91);
      assertThat(http.get(member, "/api/v1/projects/vision/jobs/quick/metrics/loss").status())
          .isEqualTo(404);
      TestingCli.Result cli =
          new TestingCli(server.url(), member).run("metrics", "quick", "--project", "vision");
      assertThat(cli.exitCode()).as(cli.err()).isZero();
      assertThat(cli.out()).contains("NAME", "accuracy", "worker-0", "0.91");
      String text = http.get(MONITORING_TOKEN, "/metrics").body();
      assertThat(text)
          .contains(
              "capstan_workloads{kind=\"TrainingJob\",phase=\"Succeeded\",project=\"vision\"} 1.0")
          .contains("capstan_admissions_total{kind=\"TrainingJob\",project=\"vision\"} 1.0")
          .contains("capstan_node_capacity_cpu_cores{node=")
          .contains("route=\"/api/v1/projects/{project}/jobs\"")
          .doesNotContain(MONITORING_TOKEN);

      Path dir = Files.createTempDirectory("capstan-prometheus");
      Path tokenFile = dir.resolve("capstan-metrics.token");
      Files.writeString(tokenFile, MONITORING_TOKEN + "\n");
      String config =
          Files.readString(DEPLOY.resolve("prometheus/prometheus.yml"))
              .replace("scrape_interval: 15s", "scrape_interval: 1s")
              .replace("/etc/prometheus/capstan-metrics.token", tokenFile.toString())
              .replace("localhost:7070", server.url().substring("http://".length()));
      try (TestingPrometheus prometheus = new TestingPrometheus(dir, config)) {
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> !prometheus.query("up{job=\"capstan-control-plane\"} == 1").isEmpty());
        // Keep the API busy so the rates have points in their window.
        for (int i = 0; i < 5; i++) {
          http.get(member, "/api/v1/projects/vision/jobs");
        }
        JsonNode dashboard = JSON.readTree(DEPLOY.resolve("grafana/capstan.json").toFile());
        List<String> titles = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
          String title = panel.get("title").asString();
          titles.add(title);
          String expr =
              panel
                  .get("targets")
                  .get(0)
                  .get("expr")
                  .asString()
                  .replace("$project", ".*")
                  .replace("$__rate_interval", "1m");
          if (WITH_DATA.contains(title)) {
            await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(
                    () -> assertThat(prometheus.query(expr)).as(title + ": " + expr).isNotEmpty());
          } else {
            prometheus.query(expr); // valid PromQL over the metrics that exist
          }
        }
        assertThat(titles).containsAll(WITH_DATA);
      }
    }
  }
}
