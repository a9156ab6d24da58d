package io.capstan.cli.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.cli.ExitCodes;
import io.capstan.cli.TestingApiServer;
import io.capstan.cli.TestingCli;
import io.capstan.cli.TestingCli.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code capstan model ...} sends, and the usage errors it catches before sending. */
class ModelCommandTest {
  private static final String VERSIONS = "/api/v1/projects/default/models/churn/versions";
  private static final String VERSION_JSON =
      "{\"model\":\"churn\",\"project\":\"default\",\"version\":4,"
          + "\"artifact\":{\"key\":\"k\",\"format\":\"onnx\",\"sizeBytes\":5,\"sha256\":\"ab\"},"
          + "\"signature\":{\"inputs\":[],\"outputs\":[]},"
          + "\"lineage\":{\"registeredBy\":\"alice\"}}";

  @TempDir Path temp;

  private final TestingApiServer server = TestingApiServer.start();

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void registerUploadsTheFileAsTheBodyWithMetricsAndTagsInTheQuery() throws Exception {
    server.respond("POST", VERSIONS, 201, VERSION_JSON);
    Path file = Files.writeString(temp.resolve("model.onnx"), "bytes");

    Result result =
        TestingCli.against(server, temp)
            .run(
                "model",
                "register",
                "churn",
                "--file",
                file.toString(),
                "--metric",
                "auc=0.9",
                "--tag",
                "team=cv",
                "--description",
                "a b");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out().trim()).isEqualTo("Registered churn:4");
    assertThat(server.lastRequest().body()).isEqualTo("bytes");
    assertThat(server.lastRequest().header("Content-Type")).isEqualTo("application/octet-stream");
    assertThat(server.lastRequest().query())
        .isEqualTo("description=a+b&metric=auc%3D0.9&tag=team%3Dcv");
  }

  @Test
  void registerFromAJobPostsTheJobAndPath() {
    server.respond("POST", VERSIONS + "/from-job", 201, VERSION_JSON);

    Result result =
        TestingCli.against(server, temp)
            .run("model", "register", "churn", "--from-job", "train", "--path", "out/m.onnx");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(server.lastRequest().body())
        .contains("\"job\":\"train\"", "\"path\":\"out/m.onnx\"");
  }

  @Test
  void aliasesAndVersionsGoToTheirPaths() {
    server.respond(
        "PUT",
        "/api/v1/projects/default/models/churn/aliases/production",
        200,
        "{\"model\":\"churn\",\"alias\":\"production\",\"version\":2}");
    // ApiPaths.expand percent-encodes the @; the server decodes it.
    server.respond("GET", VERSIONS + "/%40production", 200, VERSION_JSON);

    assertThat(
            TestingCli.against(server, temp).run("model", "alias", "churn@production", "2").out())
        .contains("churn@production -> version 2");
    assertThat(server.lastRequest().body()).isEqualTo("{\"version\":2}");
    Result got = TestingCli.against(server, temp).run("model", "get", "churn@production");
    assertThat(got.exitCode()).as(got.err()).isZero();
    assertThat(server.lastRequest().path()).isEqualTo(VERSIONS + "/%40production");
  }

  @Test
  void malformedArgumentsAreUsageErrorsAndSendNothing() {
    TestingCli cli = TestingCli.against(server, temp);

    assertThat(cli.run("model", "register", "churn").exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(cli.run("model", "register", "churn", "--file", "x", "--from-job", "j").exitCode())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(cli.run("model", "register", "Churn!", "--from-job", "j").exitCode())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(
            cli.run("model", "register", "churn", "--from-job", "j", "--metric", "auc=high")
                .exitCode())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(cli.run("model", "alias", "churn:1", "2").exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(cli.run("model", "alias", "churn@prod").exitCode()).isEqualTo(ExitCodes.USAGE);
    Result latest = cli.run("model", "alias", "churn@latest", "1");
    assertThat(latest.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(latest.err()).contains("cannot be assigned");
    assertThat(cli.run("model", "delete", "churn@prod").exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(cli.run("model", "get", "churn:0").exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(server.requests()).isEmpty();
  }
}
