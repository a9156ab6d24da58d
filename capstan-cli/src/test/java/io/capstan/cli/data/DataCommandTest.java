package io.capstan.cli.data;

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

/**
 * {@code data create|list|get|versions|share|delete} (datasets) and the volume verbs it kept, as
 * Arena's {@code arena data list}.
 */
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
    server.respond("GET", "/api/v1/projects/default/datasets", 200, "[]");
    server.respond(
        "GET",
        "/api/v1/projects/default/volumes",
        200,
        "[{\"name\":\"datasets\",\"bytes\":3221225472,\"files\":12,\"usedBy\":[\"train\"]},"
            + "{\"name\":\"scratch\",\"bytes\":0,\"files\":0,\"usedBy\":[]}]");

    Result result = cli.run("data", "list");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .contains("No datasets in project default")
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

  @Test
  void createUploadsTheFolderAsATarStreamAndSaysWhatWasStored() throws Exception {
    Path folder = Files.createDirectories(temp.resolve("imagenet-mini/train"));
    Files.writeString(folder.resolve("a.jpg"), "pixels");
    Files.writeString(temp.resolve("imagenet-mini/labels.txt"), "cat");
    server.respond(
        "POST",
        "/api/v1/projects/default/datasets/imagenet-mini/versions",
        201,
        "{\"project\":\"default\",\"dataset\":\"imagenet-mini\",\"version\":3,\"files\":2,"
            + "\"sizeBytes\":2048,\"sha256\":\"%s\",\"lineage\":{\"source\":\"upload\","
                .formatted("ab".repeat(32))
            + "\"createdBy\":\"alice\"},\"usedBy\":[]}");

    Result result =
        cli.run(
            "data", "create", "imagenet-mini", "--from", temp.resolve("imagenet-mini").toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .startsWith("Dataset imagenet-mini version 3: 2 files, 2.0Ki, sha256 abab");
    TestingApiServer.RecordedRequest request = server.lastRequest();
    assertThat(request.header("Content-Type")).isEqualTo("application/x-tar");
    assertThat(request.body()).contains("labels.txt", "train/a.jpg", "pixels", "cat");
  }

  @Test
  void createOfAFolderTooLargeExitsWithTheServersReason() throws Exception {
    Path folder = Files.createDirectories(temp.resolve("corpus"));
    Files.write(folder.resolve("shard.bin"), new byte[3 << 20]);
    server.respond(
        "POST",
        "/api/v1/projects/default/datasets/corpus/versions",
        413,
        "{\"code\":\"PAYLOAD_TOO_LARGE\",\"family\":\"USER_ERROR\",\"status\":413,"
            + "\"message\":\"Expected files of at most 1048576 bytes, but 'shard.bin' passes the"
            + " limit\",\"field\":\"body\"}");

    Result result = cli.run("data", "create", "corpus", "--from", folder.toString());

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.err()).contains("'shard.bin' passes the limit");
  }

  @Test
  void createFromAnS3PrefixSendsTheShellsKeysOrTheSecretsName() {
    server.respond(
        "POST",
        "/api/v1/projects/default/datasets/corpus/imports",
        201,
        "{\"project\":\"default\",\"dataset\":\"corpus\",\"version\":1,\"files\":1,"
            + "\"sizeBytes\":1,\"sha256\":\"cd\",\"lineage\":{\"source\":\"s3\","
            + "\"createdBy\":\"alice\",\"uri\":\"s3://raw/corpus\"},\"usedBy\":[]}");

    Result result =
        cli.run("data", "create", "corpus", "--from", "s3://raw/corpus", "--secret", "rgw");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(server.lastRequest().body())
        .contains("\"uri\":\"s3://raw/corpus\"", "\"secret\":\"rgw\"");
  }

  @Test
  void createNeedsExactlyOneSource() {
    Result result = cli.run("data", "create", "corpus");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("Expected exactly one of --from and --from-job");
  }

  @Test
  void versionsShowChecksumsLineageAndUsers() {
    server.respond(
        "GET",
        "/api/v1/projects/vision/datasets/corpus/versions",
        200,
        "[{\"project\":\"vision\",\"dataset\":\"corpus\",\"version\":2,\"files\":12,"
            + "\"sizeBytes\":1073741824,\"sha256\":\"%s\",\"lineage\":{\"source\":\"job\","
                .formatted("0123456789abcdef".repeat(4))
            + "\"createdBy\":\"alice\",\"job\":\"prep\"},\"usedBy\":[\"job vision/train\"]}]");

    Result result = cli.run("data", "versions", "vision/corpus");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .containsPattern("2\\s+12\\s+1Gi\\s+0123456789abcdef\\s+job prep\\s+job vision/train");
  }

  @Test
  void shareSendsTheProjectsAndDeleteOfAVersionNamesIt() {
    server.respond(
        "PUT",
        "/api/v1/projects/default/datasets/corpus/shares",
        200,
        "{\"project\":\"default\",\"name\":\"corpus\",\"versions\":1,"
            + "\"sharedWith\":[\"nlp\",\"speech\"]}");
    server.respond("DELETE", "/api/v1/projects/default/datasets/corpus/versions/1", 204, "");

    assertThat(cli.run("data", "share", "corpus", "--with", "speech, nlp").out())
        .contains("Dataset corpus shared with nlp,speech");
    assertThat(server.lastRequest().body()).contains("\"projects\":[\"speech\",\"nlp\"]");
    assertThat(cli.run("data", "delete", "corpus@1").out())
        .contains("Dataset corpus version 1 deleted");
  }
}
