package io.capstan.cli.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.cli.TestingApiServer;
import io.capstan.cli.TestingCli;
import io.capstan.cli.TestingCli.Result;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code data list|delete}, as Arena's {@code arena data list}. */
class DataCommandTest {
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
  void listShowsSizeFilesAndTheJobsThatMountEachVolume() {
    server.respond(
        "GET",
        "/api/v1/projects/default/volumes",
        200,
        "[{\"name\":\"datasets\",\"bytes\":3221225472,\"files\":12,\"usedBy\":[\"train\"]},"
            + "{\"name\":\"scratch\",\"bytes\":0,\"files\":0,\"usedBy\":[]}]");

    Result result = cli.run("data", "list");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .contains("NAME", "SIZE", "FILES", "USED BY")
        .containsPattern("datasets\\s+3Gi\\s+12\\s+train")
        .containsPattern("scratch\\s+0\\s+0\\s+-");
  }

  @Test
  void deleteOfAVolumeInUseExitsWithTheServersReason() {
    server.respond(
        "DELETE",
        "/api/v1/projects/default/volumes/datasets",
        409,
        "{\"code\":\"INVALID_STATE\",\"family\":\"USER_ERROR\",\"status\":409,"
            + "\"message\":\"Expected volume 'datasets' to be mounted by no unfinished job before"
            + " it is deleted, but [train] mount it\",\"field\":\"volume\"}");

    Result result = cli.run("volume", "rm", "datasets");

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.err()).contains("[train] mount it");
  }

  @Test
  void deleteSaysWhatWasDeleted() {
    server.respond("DELETE", "/api/v1/projects/default/volumes/scratch", 204, "");

    Result result = cli.run("data", "delete", "scratch");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).contains("Volume scratch deleted");
  }
}
