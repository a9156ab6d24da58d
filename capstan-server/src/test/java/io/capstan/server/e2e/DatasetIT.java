package io.capstan.server.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.server.CapstanServer;
import io.capstan.server.artifact.S3ArtifactStore;
import io.capstan.server.artifact.TestingCeph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Datasets end to end, on the production wiring with the local artifact store and a real Ceph RADOS
 * Gateway to copy from: a version uploaded from a folder by the CLI and one copied from an S3
 * prefix, their manifests and checksums, sharing (a project it is not shared with gets 404), a real
 * {@code /usr/bin/python3} replica in the sandbox that reads a dataset at its mount path and cannot
 * write it, and a version in use that cannot be deleted.
 */
@SpringBootTest(
    classes = CapstanServer.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DatasetIT {
  private static final Path DATA = ServerFixture.newDataDir("capstan-dataset-it");
  private static final TestingCeph CEPH = TestingCeph.shared();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("capstan.data-dir", DATA::toString);
    registry.add("capstan.stop-grace-period", () -> "2s");
    registry.add("capstan.datasets.allowed-s3-endpoints", () -> CEPH.endpoint().toString());
  }

  @Value("${local.server.port}")
  int port;

  @Test
  void versionsFromAFolderAndAnS3PrefixAreSharedMountedReadOnlyAndKeptWhileInUse()
      throws Exception {
    TestingHttp http = new TestingHttp("http://127.0.0.1:" + port);
    String admin = ServerFixture.adminToken(DATA);
    String alice = ServerFixture.userWithProject(http, admin, "alice", "vision");
    String bob = ServerFixture.userWithProject(http, admin, "bob", "speech");
    String carol = ServerFixture.userWithProject(http, admin, "carol", "other");
    TestingCli cli = new TestingCli("http://127.0.0.1:" + port, alice);

    // A version from a folder, through the CLI's tar stream.
    Path folder = Files.createTempDirectory("imagenet-mini");
    Files.writeString(folder.resolve("labels.txt"), "cat\ndog\n");
    Files.createDirectories(folder.resolve("train/n01"));
    byte[] image = new byte[300_000];
    new java.util.Random(3).nextBytes(image);
    Files.write(folder.resolve("train/n01/img_0001.jpg"), image);
    TestingCli.Result created = data(cli, "create", "imagenet-mini", "--from", folder.toString());
    assertThat(created.exitCode()).as(created.err()).isZero();
    assertThat(created.out()).startsWith("Dataset imagenet-mini version 1: 2 files, ");

    // The manifest lists each file's SHA-256 and size; its SHA-256 is the version's checksum.
    String manifest =
        http.get(alice, "/api/v1/projects/vision/datasets/imagenet-mini/versions/1/manifest")
            .body();
    assertThat(manifest)
        .isEqualTo(
            sha256("cat\ndog\n".getBytes(UTF_8))
                + "\t8\tlabels.txt\n"
                + sha256(image)
                + "\t300000\ttrain/n01/img_0001.jpg\n");
    JsonNode v1 =
        JSON.readTree(
            http.get(alice, "/api/v1/projects/vision/datasets/imagenet-mini/versions/1").body());
    assertThat(v1.get("sha256").asString()).isEqualTo(sha256(manifest.getBytes(UTF_8)));
    assertThat(v1.get("files").asLong()).isEqualTo(2);
    assertThat(v1.get("sizeBytes").asLong()).isEqualTo(300_008);
    assertThat(v1.get("lineage").get("source").asString()).isEqualTo("upload");
    assertThat(v1.get("lineage").get("createdBy").asString()).isEqualTo("alice");

    // The same files again: a new immutable version with the same checksum.
    assertThat(data(cli, "create", "imagenet-mini", "--from", folder.toString()).out())
        .startsWith("Dataset imagenet-mini version 2: 2 files");
    assertThat(data(cli, "versions", "imagenet-mini").out())
        .containsPattern("2\\s+2\\s+\\S+\\s+" + v1.get("sha256").asString().substring(0, 16))
        .containsPattern("1\\s+2\\s+\\S+\\s+" + v1.get("sha256").asString().substring(0, 16));

    // A version copied from an S3 prefix on the RGW, with the keys in a project secret.
    try (S3Client s3 =
        S3ArtifactStore.client(
            CEPH.endpoint(), "us-east-1", TestingCeph.ACCESS_KEY, TestingCeph.SECRET_KEY)) {
      s3.createBucket(b -> b.bucket("raw"));
      s3.putObject(b -> b.bucket("raw").key("corpus/a.txt"), RequestBody.fromString("alpha"));
      s3.putObject(b -> b.bucket("raw").key("corpus/deep/b.txt"), RequestBody.fromString("beta"));
      s3.putObject(b -> b.bucket("raw").key("elsewhere.txt"), RequestBody.fromString("no"));
    }
    TestingHttp.Answer secret =
        http.post(
            alice,
            "/api/v1/projects/vision/secrets",
            "application/json",
            "{\"name\":\"rgw\",\"stringData\":{\"AWS_ACCESS_KEY_ID\":\""
                + TestingCeph.ACCESS_KEY
                + "\",\"AWS_SECRET_ACCESS_KEY\":\""
                + TestingCeph.SECRET_KEY
                + "\"}}");
    assertThat(secret.status()).as(secret.body()).isEqualTo(201);
    TestingCli.Result fromS3 =
        data(
            cli,
            "create",
            "corpus",
            "--from",
            "s3://raw/corpus",
            "--endpoint",
            CEPH.endpoint().toString(),
            "--secret",
            "rgw",
            "-o",
            "json");
    assertThat(fromS3.exitCode()).as(fromS3.err()).isZero();
    JsonNode corpus = JSON.readTree(fromS3.out());
    assertThat(corpus.get("files").asLong()).isEqualTo(2);
    assertThat(corpus.get("lineage").get("uri").asString()).isEqualTo("s3://raw/corpus");
    assertThat(fromS3.out()).doesNotContain(TestingCeph.SECRET_KEY);
    assertThat(
            http.get(alice, "/api/v1/projects/vision/datasets/corpus/versions/1/manifest").body())
        .contains("\ta.txt\n", "\tdeep/b.txt\n")
        .doesNotContain("elsewhere");
    TestingHttp.Answer wrongKeys =
        http.post(
            alice,
            "/api/v1/projects/vision/datasets/corpus/imports",
            "application/json",
            "{\"s3\":{\"uri\":\"s3://raw/corpus\",\"endpoint\":\""
                + CEPH.endpoint()
                + "\",\"accessKey\":\""
                + TestingCeph.ACCESS_KEY
                + "\",\"secretKey\":\"wrong\"}}");
    assertThat(wrongKeys.status()).isEqualTo(400);
    assertThat(wrongKeys.body()).contains("\"field\":\"s3.uri\"").doesNotContain("wrong\"");
    TestingHttp.Answer notAllowed =
        http.post(
            alice,
            "/api/v1/projects/vision/datasets/corpus/imports",
            "application/json",
            "{\"s3\":{\"uri\":\"s3://raw/corpus\",\"endpoint\":\"http://169.254.169.254\","
                + "\"secret\":\"rgw\"}}");
    assertThat(notAllowed.status()).isEqualTo(400);
    assertThat(notAllowed.body()).contains("capstan.datasets.allowed-s3-endpoints");

    // Private until shared: another project's members get 404, as for no dataset at all.
    String imagenet = "/api/v1/projects/vision/datasets/imagenet-mini";
    assertThat(http.get(bob, imagenet).status()).isEqualTo(404);
    assertThat(http.get(bob, imagenet + "/versions").status()).isEqualTo(404);
    assertThat(data(cli, "share", "imagenet-mini", "--with", "speech").out())
        .contains("shared with speech");
    assertThat(http.get(bob, imagenet).status()).isEqualTo(200);
    assertThat(http.get(bob, imagenet + "/versions/1/manifest").body()).isEqualTo(manifest);
    assertThat(http.get(bob, "/api/v1/projects/speech/datasets").body())
        .contains("\"project\":\"vision\",\"name\":\"imagenet-mini\"");
    assertThat(http.get(carol, imagenet).status()).isEqualTo(404);
    assertThat(http.delete(bob, imagenet).status()).isEqualTo(404);

    // A real replica reads the dataset at its mount path and cannot write to it.
    String script =
        """
        import hashlib, os
        print("labels", open("/data/imagenet/labels.txt").read().split())
        print("image", hashlib.sha256(open("/data/imagenet/train/n01/img_0001.jpg", "rb").read()).hexdigest())
        print("corpus", open("/datasets/corpus/deep/b.txt").read())
        for target in ["/data/imagenet/new.txt", "/data/imagenet/labels.txt"]:
            try:
                open(target, "a").write("x")
                print("WROTE", target)
            except OSError as e:
                print("write-refused", target)
        print("reader-up", flush=True)
        import time; time.sleep(600)
        """;
    submit(http, alice, "vision", "reader", "imagenet-mini@1:/data/imagenet,corpus@1", script);
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> ServerFixture.jobLog(http, alice, "vision", "reader").contains("reader-up"));
    String log = ServerFixture.jobLog(http, alice, "vision", "reader");
    assertThat(log)
        .contains("labels ['cat', 'dog']", "image " + sha256(image), "corpus beta")
        .contains("write-refused /data/imagenet/new.txt", "write-refused /data/imagenet/labels.txt")
        .doesNotContain("WROTE");

    // Shared: a job of the other project mounts it by its project's name; a third project cannot.
    submit(
        http,
        bob,
        "speech",
        "borrower",
        "vision/imagenet-mini@2",
        "print(open('/datasets/imagenet-mini/labels.txt').read().split())");
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> ServerFixture.jobPhase(http, bob, "speech", "borrower").equals("Succeeded"));
    assertThat(ServerFixture.jobLog(http, bob, "speech", "borrower")).contains("['cat', 'dog']");
    TestingHttp.Answer refused =
        post(http, carol, "other", "thief", "vision/imagenet-mini@1", "print('no')");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.body())
        .contains("\"field\":\"metadata.annotations[capstan.io/datasets]\"")
        .contains("'vision/imagenet-mini@1' is not one");
    TestingHttp.Answer noVersion =
        post(http, alice, "vision", "typo", "imagenet-mini@9", "print('no')");
    assertThat(noVersion.status()).isEqualTo(400);
    assertThat(noVersion.body()).contains("imagenet-mini@9");
    TestingHttp.Answer malformed =
        post(http, alice, "vision", "typo", "imagenet-mini:/data", "print('no')");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.body()).contains("[PROJECT/]NAME@VERSION[:PATH]");
    // A notebook mounts datasets as a job does, and is refused the same way, at creation.
    TestingHttp.Answer notebook =
        http.post(
            carol,
            "/api/v1/projects/other/notebooks",
            "application/json",
            "{\"name\":\"lab\",\"datasets\":[\"vision/imagenet-mini@1\"]}");
    assertThat(notebook.status()).as(notebook.body()).isEqualTo(400);
    assertThat(notebook.body())
        .contains("\"field\":\"datasets[0]\"")
        .contains("'vision/imagenet-mini@1' is not one");

    // In use: deleting the version (or the dataset) is refused, naming the job.
    TestingHttp.Answer inUse = http.delete(alice, imagenet + "/versions/1");
    assertThat(inUse.status()).isEqualTo(409);
    assertThat(inUse.body()).contains("job vision/reader");
    TestingCli.Result cliInUse = data(cli, "delete", "imagenet-mini");
    assertThat(cliInUse.exitCode()).isNotZero();
    assertThat(cliInUse.err()).contains("job vision/reader");
    assertThat(
            JSON.readTree(http.get(alice, imagenet + "/versions/1").body())
                .get("usedBy")
                .get(0)
                .asString())
        .isEqualTo("job vision/reader");

    http.delete(alice, "/api/v1/projects/vision/jobs/reader");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> http.delete(alice, imagenet + "/versions/1").status() == 204);
    assertThat(http.get(alice, imagenet + "/versions/1").status()).isEqualTo(404);
    assertThat(data(cli, "delete", "imagenet-mini@2").out())
        .contains("Dataset imagenet-mini version 2 deleted");
    assertThat(DATA.resolve("artifacts/datasets/vision/imagenet-mini")).doesNotExist();
    assertThat(data(cli, "list").out()).contains("corpus").contains("No volumes");
    JsonNode paths = JSON.readTree(http.get(null, "/api/v1/openapi.json").body()).get("paths");
    for (String path :
        java.util.List.of("", "/{dataset}/versions", "/{dataset}/imports", "/{dataset}/shares")) {
      assertThat(paths.has("/api/v1/projects/{project}/datasets" + path)).as(path).isTrue();
    }
  }

  /** {@code capstan data ARGS -p vision}. */
  private static TestingCli.Result data(TestingCli cli, String... args) {
    java.util.List<String> line = new java.util.ArrayList<>(java.util.List.of("data"));
    line.addAll(java.util.List.of(args));
    line.addAll(java.util.List.of("-p", "vision"));
    return cli.run(line.toArray(String[]::new));
  }

  private static void submit(
      TestingHttp http, String token, String project, String name, String datasets, String py) {
    TestingHttp.Answer answer = post(http, token, project, name, datasets, py);
    assertThat(answer.status()).as(answer.body()).isEqualTo(201);
  }

  private static TestingHttp.Answer post(
      TestingHttp http, String token, String project, String name, String datasets, String py) {
    String spec =
        """
        apiVersion: capstan.io/v1
        kind: TrainingJob
        metadata:
          name: %s
          annotations: {capstan.io/datasets: %s}
        spec:
          replicas:
            - role: worker
              count: 1
              command: ["/usr/bin/python3", "-c", %s]
              resources: {cpu: "0.2", memory: 256Mi}
        """
            .formatted(name, JSON.writeValueAsString(datasets), JSON.writeValueAsString(py));
    return http.post(token, "/api/v1/projects/" + project + "/jobs", "application/yaml", spec);
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
