package io.capstan.cli.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.cli.TestingApiServer;
import io.capstan.cli.TestingCli;
import io.capstan.cli.TestingCli.Result;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve create|list|get|update|traffic|promote|rollback|delete}. */
class ServeCommandTest {
  private static final String SERVICES = "/api/v1/projects/default/services";
  private static final String CHURN =
      "{\"name\":\"churn\",\"project\":\"default\",\"generation\":6,\"spec\":{\"name\":\"churn\",\"model\":"
          + "\"churn@production\",\"minReplicas\":2,\"maxReplicas\":2,\"resources\":{\"cpu\":"
          + "\"500m\",\"memory\":\"1Gi\",\"gpu\":\"0\"},\"batching\":{},\"canary\":{\"model\":"
          + "\"churn:4\",\"percent\":20},\"targetInFlight\":8},\"status\":{\"phase\":\"Ready\","
          + "\"message\":\"\",\"stableVersion\":3,\"canaryVersion\":4,\"canaryPercent\":20,"
          + "\"previousVersion\":2,\"desiredReplicas\":2,\"httpPath\":\"/serving/default/churn\","
          + "\"grpcTarget\":\"127.0.0.1:7071\",\"versions\":[{\"track\":\"canary\",\"version\":4,"
          + "\"replicas\":1,\"readyReplicas\":1,\"replicaJobs\":[\"churn-v4-aaaaa Ready\"],"
          + "\"requests\":20,\"errors\":1,\"p50Millis\":1.5,\"p99Millis\":4.25},{\"track\":"
          + "\"stable\",\"version\":3,\"replicas\":2,\"readyReplicas\":2,\"replicaJobs\":[],"
          + "\"requests\":80,\"errors\":0,\"p50Millis\":1.25,\"p99Millis\":3.0}],\"createdAt\":"
          + "\"2026-11-25T10:00:00Z\",\"updatedAt\":\"2026-11-25T10:05:00Z\","
          + "\"observedGeneration\":5,\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\","
          + "\"reason\":\"Ready\",\"lastTransitionTime\":\"2026-11-25T10:02:00Z\"},{\"type\":"
          + "\"LatestDeploymentReady\",\"status\":\"True\",\"reason\":\"UpToDate\","
          + "\"message\":\"every replica serves version 3\",\"lastTransitionTime\":"
          + "\"2026-11-25T10:02:00Z\"}]},\"events\":[{\"time\":"
          + "\"2026-11-25T10:05:00Z\",\"reason\":\"TrafficChanged\",\"message\":\"Canary set\"}]}";

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
  void createSendsTheSpecWithReplicasAsMinAndMax() {
    server.respond("POST", SERVICES, 201, CHURN);

    Result result =
        cli.run(
            "serve",
            "create",
            "churn",
            "--model",
            "churn@production",
            "--replicas",
            "2",
            "--cpu",
            "250m",
            "--max-batch-size",
            "16");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(server.lastRequest().body())
        .contains("\"name\":\"churn\"", "\"model\":\"churn@production\"")
        .contains("\"minReplicas\":2", "\"maxReplicas\":2", "\"cpu\":\"250m\"")
        .contains("\"maxBatchSize\":16");
    assertThat(result.out()).contains("Phase:", "Ready", "stable version 3");
  }

  @Test
  void getShowsTrafficAndPerVersionFigures() {
    server.respond("GET", SERVICES + "/churn", 200, CHURN);

    Result result = cli.run("serve", "get", "churn");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .contains("churn:4 (version 4, 20% of requests)")
        .contains("version 2 (rollback returns to it)")
        .contains("TRACK", "REQUESTS", "P99 MS")
        .contains("canary", "1/1", "4.25")
        .contains("churn-v4-aaaaa Ready")
        .contains("TrafficChanged");
  }

  @Test
  void getShowsTheControllersConditionsAndWhetherItActedOnTheLatestChange() {
    server.respond("GET", SERVICES + "/churn", 200, CHURN);

    Result result = cli.run("serve", "get", "churn");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .contains("Conditions:   Ready=True Ready, LatestDeploymentReady=True UpToDate\n")
        .contains("Generation:   6 (the serving controller last acted on 5)\n");
    assertThat(cli.run("serve", "get", "churn", "-o", "json").out())
        .contains(
            "\"observedGeneration\" : 5", "\"lastTransitionTime\" : \"2026-11-25T10:02:00Z\"");
  }

  @Test
  void getAsJsonPrintsTheAnswer() {
    server.respond("GET", SERVICES + "/churn", 200, CHURN);

    Result result = cli.run("serve", "get", "churn", "-o", "json");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).contains("\"stableVersion\"", "\"canaryPercent\"");
  }

  @Test
  void listShowsOneRowPerService() {
    server.respond("GET", SERVICES, 200, "[" + CHURN + "]");

    Result result = cli.run("serve", "list");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).contains("NAME", "CANARY").contains("churn", "v3", "v4 (20%)");
  }

  @Test
  void trafficPromoteRollbackAndDeleteCallTheirEndpoints() {
    server.respond("PUT", SERVICES + "/churn/traffic", 200, CHURN);
    server.respond("POST", SERVICES + "/churn/promote", 200, CHURN);
    server.respond("POST", SERVICES + "/churn/rollback", 200, CHURN);
    server.respond("DELETE", SERVICES + "/churn", 204, "");

    assertThat(
            cli.run("serve", "traffic", "churn", "--canary", "churn:4", "--percent", "20")
                .exitCode())
        .isZero();
    assertThat(server.lastRequest().body()).contains("\"model\":\"churn:4\"", "\"percent\":20");
    assertThat(cli.run("serve", "promote", "churn").exitCode()).isZero();
    assertThat(server.lastRequest().path()).endsWith("/promote");
    assertThat(cli.run("serve", "rollback", "churn").exitCode()).isZero();
    assertThat(server.lastRequest().path()).endsWith("/rollback");
    Result deleted = cli.run("serve", "delete", "churn");
    assertThat(deleted.out()).contains("service churn deleted");
  }

  @Test
  void aRejectedSpecShowsTheFieldAndExitsAsUsage() {
    server.respond(
        "POST",
        SERVICES,
        400,
        "{\"code\":\"INVALID_ARGUMENT\",\"family\":\"USER_ERROR\",\"status\":400,"
            + "\"message\":\"Model 'nope' not found\",\"field\":\"model\"}");

    Result result = cli.run("serve", "create", "churn", "--model", "nope:1");

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.err()).contains("model", "Model 'nope' not found");
  }
}
