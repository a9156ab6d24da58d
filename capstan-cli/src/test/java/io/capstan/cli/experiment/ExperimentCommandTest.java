package io.capstan.cli.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.cli.TestingApiServer;
import io.capstan.cli.TestingCli;
import io.capstan.cli.TestingCli.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code capstan experiment create|list|get|trials|stop|resume|delete} against a fake server. */
class ExperimentCommandTest {
  private static final String VIEW =
      "{\"name\":\"tune\",\"project\":\"default\",\"uid\":\"tune-1\",\"algorithm\":\"tpe\","
          + "\"objective\":{\"type\":\"minimize\",\"objectiveMetricName\":\"loss\",\"goal\":0.1,"
          + "\"additionalMetricNames\":[]},\"phase\":\"Succeeded\",\"reason\":\"MaxTrialsReached\","
          + "\"message\":\"3 trials finished, maxTrialCount 3\",\"seed\":42,"
          + "\"parallelTrialCount\":2,\"maxTrialCount\":3,\"resumePolicy\":\"Never\","
          + "\"trials\":{\"total\":3,\"pending\":0,\"running\":0,\"succeeded\":3,\"failed\":0,"
          + "\"earlyStopped\":0,\"metricsUnavailable\":0,\"killed\":0},"
          + "\"bestTrial\":{\"name\":\"tune-abcd1234\",\"index\":1,\"job\":\"tune-abcd1234\","
          + "\"phase\":\"Succeeded\",\"assignments\":{\"lr\":\"0.01\"},\"objective\":0.2,"
          + "\"metrics\":{\"loss\":0.2}},"
          + "\"createdAt\":\"2026-12-07T00:00:00Z\",\"createdBy\":\"alice\","
          + "\"conditions\":[{\"type\":\"Succeeded\",\"status\":\"True\","
          + "\"reason\":\"MaxTrialsReached\",\"lastTransitionTime\":\"2026-12-07T00:01:00Z\"}]}";

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
  void createSendsTheFileAsYamlUnchanged() throws Exception {
    Path file = temp.resolve("experiment.yaml");
    Files.writeString(file, "apiVersion: kubeflow.org/v1beta1\nkind: Experiment\n");
    server.respond("POST", "/api/v1/projects/default/experiments", 201, VIEW);

    Result result = cli.run("experiment", "create", "-f", file.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).contains("experiment tune created (tpe, seed 42)");
    assertThat(server.lastRequest().header("Content-Type")).startsWith("application/yaml");
    assertThat(server.lastRequest().body())
        .isEqualTo("apiVersion: kubeflow.org/v1beta1\nkind: Experiment\n");
  }

  @Test
  void getShowsTheBestTrialAndTheCommandThatRegistersItsModel() {
    server.respond("GET", "/api/v1/projects/default/experiments/tune", 200, VIEW);

    Result result = cli.run("experiment", "get", "tune");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .contains("Phase:       Succeeded (MaxTrialsReached)")
        .contains("Objective:   minimize loss, goal 0.1")
        .contains("Best trial:  tune-abcd1234  lr=0.01")
        .contains("Metrics:     loss=0.2")
        .contains(
            "Register its model: capstan model register tune --from-job tune-abcd1234"
                + " --path model.onnx")
        .contains("Succeeded=True MaxTrialsReached");
  }

  @Test
  void listAndTrialsAreTables() {
    server.respond("GET", "/api/v1/projects/default/experiments", 200, "[" + VIEW + "]");
    server.respond(
        "GET",
        "/api/v1/projects/default/experiments/tune/trials",
        200,
        "[{\"name\":\"tune-abcd1234\",\"index\":0,\"job\":\"tune-abcd1234\","
            + "\"phase\":\"EarlyStopped\",\"assignments\":{\"lr\":\"0.5\"},\"objective\":3.0,"
            + "\"metrics\":{\"loss\":3.0},\"message\":\"Stopped early by the median rule\"}]");

    Result list = cli.run("experiment", "list");
    Result trials = cli.run("experiment", "trials", "tune");

    assertThat(list.out()).containsPattern("tune\\s+Succeeded\\s+tpe\\s+3\\s+0\\s+loss=0.2");
    assertThat(trials.out())
        .containsPattern("tune-abcd1234\\s+EarlyStopped\\s+3.0\\s+lr=0.5\\s+Stopped early");
  }

  @Test
  void resumeRefusedSaysWhyAndNamesTheField() {
    server.respond(
        "POST",
        "/api/v1/projects/default/experiments/tune/resume",
        409,
        "{\"code\":\"INVALID_STATE\",\"family\":\"USER_ERROR\",\"status\":409,"
            + "\"message\":\"Experiment 'tune' has spec.resumePolicy Never\","
            + "\"field\":\"spec.resumePolicy\"}");

    Result result = cli.run("experiment", "resume", "tune");

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.err()).contains("resumePolicy Never", "field: spec.resumePolicy");
  }

  @Test
  void resumeWithMaxTrialsSendsTheNewCounts() {
    server.respond(
        "POST",
        "/api/v1/projects/default/experiments/tune/resume",
        200,
        VIEW.replaceFirst("\"phase\":\"Succeeded\"", "\"phase\":\"Running\"")
            .replace("\"maxTrialCount\":3", "\"maxTrialCount\":10"));

    Result result =
        cli.run("experiment", "resume", "tune", "--max-trials", "10", "--parallel-trials", "3");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).contains("experiment tune running");
    assertThat(server.lastRequest().body())
        .isEqualTo("{\"maxTrialCount\":10,\"parallelTrialCount\":3}");
    assertThat(server.lastRequest().header("Content-Type")).startsWith("application/json");
  }

  @Test
  void stopAndDeleteSayWhatHappened() {
    server.respond(
        "POST",
        "/api/v1/projects/default/experiments/tune/stop",
        200,
        VIEW.replaceFirst("\"phase\":\"Succeeded\"", "\"phase\":\"Stopped\""));
    server.respond("DELETE", "/api/v1/projects/default/experiments/tune", 202, "");

    assertThat(cli.run("experiment", "stop", "tune").out()).contains("experiment tune stopped");
    assertThat(cli.run("experiment", "delete", "tune").out()).contains("experiment tune deleted");
  }
}
