package io.capstan.cli.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.cli.TestingApiServer;
import io.capstan.cli.TestingCli;
import io.capstan.cli.TestingCli.Result;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code env list|get|set|delete}. */
class EnvCommandTest {
  private static final String MNIST =
      "{\"pattern\":\"kubeflow/pytorch-mnist*\",\"python\":\"/usr/bin/python3\","
          + "\"code\":{\"/opt/pytorch-mnist\":\"/srv/mnist\"},\"workingDir\":\"/opt/pytorch-mnist\","
          + "\"entrypoint\":[\"python3\",\"train.py\"],\"args\":[],\"env\":{\"SEED\":\"1\"},"
          + "\"origin\":\"file\"}";
  private static final String HOST =
      "{\"pattern\":\"*\",\"python\":null,\"code\":{},\"workingDir\":null,\"entrypoint\":null,"
          + "\"args\":[],\"env\":{},\"origin\":\"built-in\"}";

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
  void listShowsEveryEntryAndWarnsOfABadFile() {
    server.respond(
        "GET",
        "/api/v1/environments",
        200,
        "{\"file\":\"/data/images.yaml\",\"problem\":\"Expected ... (field images[\\\"x\\\"].code)\","
            + "\"entries\":["
            + HOST
            + ","
            + MNIST
            + "]}");

    Result result = cli.run("env", "list");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .contains("PATTERN", "ORIGIN", "ENTRYPOINT")
        .contains("*", "built-in", "none (a command is required)")
        .contains("kubeflow/pytorch-mnist*", "file", "/opt/pytorch-mnist <- /srv/mnist")
        .contains("python3 train.py");
    assertThat(result.err())
        .contains("warning: /data/images.yaml cannot be used")
        .contains("the map read from it before stays in use");
  }

  @Test
  void setPutsTheWholeEntryAndShowsIt() {
    server.respond("PUT", "/api/v1/environments", 200, MNIST);

    Result result =
        cli.run(
            "env",
            "set",
            "kubeflow/pytorch-mnist*",
            "--python",
            "/usr/bin/python3",
            "--code",
            "/opt/pytorch-mnist=/srv/mnist",
            "--workdir",
            "/opt/pytorch-mnist",
            "--entrypoint",
            "python3",
            "--entrypoint",
            "train.py",
            "--env",
            "SEED=1");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(server.lastRequest().body())
        .contains("\"pattern\":\"kubeflow/pytorch-mnist*\"")
        .contains("\"code\":{\"/opt/pytorch-mnist\":\"/srv/mnist\"}")
        .contains("\"workingDir\":\"/opt/pytorch-mnist\"")
        .contains("\"entrypoint\":[\"python3\",\"train.py\"]")
        .contains("\"env\":{\"SEED\":\"1\"}");
    assertThat(result.out()).contains("Pattern:", "Entrypoint:", "python3 train.py", "SEED=1");
  }

  @Test
  void anEmptyEntrypointSaysTheImageHasNoneAndNoEntrypointLeavesItUnknown() {
    server.respond("PUT", "/api/v1/environments", 200, MNIST);
    server.respond("PUT", "/api/v1/environments", 200, MNIST);

    cli.run("env", "set", "ubuntu:*", "--entrypoint", "");
    String empty = server.lastRequest().body();
    cli.run("env", "set", "ubuntu:*", "--python", "python3");
    String absent = server.lastRequest().body();

    assertThat(empty).contains("\"entrypoint\":[]");
    assertThat(absent).contains("\"entrypoint\":null");
  }

  @Test
  void getAndDeleteNameThePatternInTheQuery() {
    server.respond(
        "GET",
        "/api/v1/environments",
        200,
        "{\"file\":\"/data/images.yaml\",\"problem\":null,\"entries\":[" + MNIST + "]}");
    server.respond("DELETE", "/api/v1/environments", 204, null);

    Result got = cli.run("env", "get", "kubeflow/pytorch-mnist*");
    String getQuery = server.lastRequest().query();
    Result deleted = cli.run("env", "delete", "kubeflow/pytorch-mnist*");

    assertThat(got.exitCode()).as(got.err()).isZero();
    assertThat(got.out()).contains("Working dir:", "/opt/pytorch-mnist", "Origin:", "file");
    assertThat(getQuery).isEqualTo("pattern=kubeflow%2Fpytorch-mnist*");
    assertThat(deleted.exitCode()).as(deleted.err()).isZero();
    assertThat(server.lastRequest().query()).isEqualTo("pattern=kubeflow%2Fpytorch-mnist*");
    assertThat(deleted.out()).contains("Image map entry 'kubeflow/pytorch-mnist*' deleted");
  }

  @Test
  void aRefusedSetShowsTheFieldAndExitsAsAUserError() {
    server.fail(
        "PUT",
        "/api/v1/environments",
        400,
        "INVALID_ARGUMENT",
        "Expected the host folder of code folder '/opt/x' of image entry 'team/*' to be an"
            + " absolute, normalized path, but was 'rel'",
        "images[\\\"team/*\\\"].code./opt/x");

    Result result = cli.run("env", "set", "team/*", "--code", "/opt/x=rel");

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.err()).contains("to be an absolute, normalized path, but was 'rel'");
  }
}
