package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.model.ModelRef;
import io.capstan.server.CapstanServer;
import io.capstan.server.model.ModelRegistry;
import io.capstan.server.model.ResolvedModel;
import io.capstan.server.model.TestingOnnx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The model registry through the real CLI and REST API of a server booted with the production
 * wiring: uploads of a real PyTorch-exported ONNX file, aliases and {@code @latest}, deletes, bad
 * input that stores nothing, and project isolation.
 */
@SpringBootTest(
    classes = CapstanServer.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ModelRegistryIT {
  private static final Path DATA = ServerFixture.newDataDir("capstan-models-it");

  /** What a crash between a model file and its version row, and a refused upload, left behind. */
  private static final Path CRASHED = DATA.resolve("artifacts/models/default/crashed/0b1c.onnx");

  private static final Path REFUSED = DATA.resolve("artifacts/models/default/refused");

  static {
    try {
      Files.createDirectories(CRASHED.getParent());
      Files.write(CRASHED, new byte[1024]);
      Files.createDirectories(REFUSED);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final long MAX_ARTIFACT_BYTES = 64 * 1024;
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String MODELS = "/api/v1/projects/default/models";

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("capstan.data-dir", DATA::toString);
    registry.add("capstan.models.max-artifact-bytes", () -> Long.toString(MAX_ARTIFACT_BYTES));
  }

  @Value("${local.server.port}")
  int port;

  @Autowired ModelRegistry registry;

  private TestingCli cli;
  private TestingHttp http;
  private String admin;

  @BeforeEach
  void setUp() {
    admin = ServerFixture.adminToken(DATA);
    cli = new TestingCli("http://127.0.0.1:" + port, admin);
    http = new TestingHttp("http://127.0.0.1:" + port);
  }

  @Test
  void aFileRegisteredThroughTheCliReadsBackWithSignatureMetricsTagsAndLineage() throws Exception {
    TestingCli.Result registered =
        cli.run(
            "model",
            "register",
            "churn",
            "--file",
            TestingOnnx.linear().toString(),
            "--metric",
            "auc=0.91",
            "--tag",
            "team=cv",
            "--description",
            "first try");

    assertThat(registered.exitCode()).as(registered.err()).isZero();
    assertThat(registered.out().trim()).isEqualTo("Registered churn:1");
    JsonNode version = JSON.readTree(cli.run("model", "get", "churn:1", "-o", "json").out());
    JsonNode input = version.get("signature").get("inputs").get(0);
    assertThat(input.get("name").asString()).isEqualTo("input");
    assertThat(input.get("dtype").asString()).isEqualTo("float");
    assertThat(input.get("shape").toString()).isEqualTo("[-1,4]");
    assertThat(version.get("signature").get("outputs").get(0).get("shape").toString())
        .isEqualTo("[-1,2]");
    assertThat(version.get("metrics").get("auc").asDouble()).isEqualTo(0.91);
    assertThat(version.get("tags").get("team").asString()).isEqualTo("cv");
    assertThat(version.get("description").asString()).isEqualTo("first try");
    assertThat(version.get("lineage").get("registeredBy").asString()).isEqualTo("admin");
    assertThat(version.get("lineage").get("jobName").isNull()).isTrue();
    String key = version.get("artifact").get("key").asString();
    assertThat(version.get("artifact").get("sha256").asString())
        .isEqualTo(sha256(TestingOnnx.linear()));
    assertThat(DATA.resolve("artifacts").resolve(key)).hasSameBinaryContentAs(TestingOnnx.linear());

    JsonNode paths = JSON.readTree(http.get(null, "/api/v1/openapi.json").body()).get("paths");
    assertThat(paths.has("/api/v1/projects/{project}/models/{model}/versions")).isTrue();
    String human = cli.run("model", "get", "churn:1").out();
    assertThat(human).contains("churn:1", "input", "[?, 4]", "auc=0.91", "upload");
    assertThat(cli.run("model", "list").out()).contains("churn");
  }

  @Test
  void aliasesMoveLatestFollowsTheNewestAndDeletingAVersionTakesItsAliases() {
    register("fraud");
    register("fraud");

    assertThat(cli.run("model", "alias", "fraud@production", "1").out().trim())
        .isEqualTo("fraud@production -> version 1");
    assertThat(versionOf("fraud@production")).isEqualTo(1);
    assertThat(cli.run("model", "alias", "fraud@production", "2").exitCode()).isZero();
    assertThat(versionOf("fraud@production")).isEqualTo(2);
    assertThat(versionOf("fraud@latest")).isEqualTo(2);
    cli.run("model", "alias", "fraud@canary", "1");
    assertThat(cli.run("model", "get", "fraud").out()).contains("@canary=1, @production=2");

    TestingCli.Result latest = cli.run("model", "alias", "fraud@latest", "1");
    assertThat(latest.exitCode()).isEqualTo(2);
    assertThat(latest.err()).contains("cannot be assigned");
    TestingHttp.Answer viaApi =
        http.put(admin, MODELS + "/fraud/aliases/latest", "{\"version\":1}");
    assertThat(viaApi.status()).isEqualTo(400);
    assertThat(JSON.readTree(viaApi.body()).get("field").asString()).isEqualTo("alias");
    assertThat(cli.run("model", "alias", "fraud@production", "9").exitCode()).isEqualTo(3);

    assertThat(cli.run("model", "delete", "fraud:2").exitCode()).isZero();
    TestingCli.Result gone = cli.run("model", "get", "fraud@production");
    assertThat(gone.exitCode()).isEqualTo(3);
    assertThat(gone.err()).contains("Alias 'fraud@production' not found");
    assertThat(versionOf("fraud@latest")).isEqualTo(1);
    assertThat(cli.run("model", "alias", "fraud@canary", "--delete").exitCode()).isZero();
    assertThat(cli.run("model", "get", "fraud@canary").exitCode()).isEqualTo(3);
    assertThat(register("fraud")).as("numbers are never reused").isEqualTo(3);
  }

  @Test
  void resolveGivesTheServingControllerTheVersionFileAndSignature() {
    int version = register("serve");
    cli.run("model", "alias", "serve@production", Integer.toString(version));

    ResolvedModel resolved = registry.resolve("default", ModelRef.parse("serve@production", "m"));

    assertThat(resolved.version()).isEqualTo(version);
    assertThat(resolved.localPath()).isPresent();
    assertThat(resolved.localPath().get()).hasSameBinaryContentAs(TestingOnnx.linear());
    assertThat(resolved.signature().inputs().get(0).name()).isEqualTo("input");
    assertThat(resolved.aliasGeneration()).isEqualTo(1);
    assertThat(resolved.aliasUpdatedAt()).isNotNull();
    int next = register("serve");
    cli.run("model", "alias", "serve@production", Integer.toString(next));
    ResolvedModel moved = registry.resolve("default", ModelRef.parse("serve@production", "m"));
    assertThat(moved.version()).isEqualTo(next);
    assertThat(moved.aliasGeneration()).isEqualTo(2);
    assertThatThrownBy(() -> registry.resolve("default", ModelRef.parse("serve@canary", "m")))
        .isInstanceOfSatisfying(
            CapstanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThatThrownBy(() -> registry.resolve("default", ModelRef.parse("nothing:1", "m")))
        .isInstanceOfSatisfying(
            CapstanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
  }

  @Test
  void whatACrashOrARefusedUploadLeftIsSweptAtStart() {
    assertThat(CRASHED).doesNotExist();
    assertThat(CRASHED.getParent()).doesNotExist();
    assertThat(REFUSED).doesNotExist();
  }

  @Test
  void uploadsThatAreNotOnnxTooLargeOrBadlyNamedAreRefusedNamingTheFieldAndStoreNothing() {
    List<Path> before = artifactFiles();

    TestingHttp.Answer notOnnx = upload("bogus", "this is not a model".getBytes());
    assertRefused(
        notOnnx, 400, "body", "Expected body (the upload of model 'bogus') to be an ONNX");
    assertThat(notOnnx.body()).doesNotContain(DATA.toString()).doesNotContain("/artifacts/");
    assertRefused(upload("bogus", new byte[0]), 400, "body", "empty");
    assertRefused(upload("bogus", new byte[(int) MAX_ARTIFACT_BYTES + 1]), 413, "body", "at most");
    assertRefused(upload("Bad!Name", onnx()), 400, "model", "Bad!Name");
    assertRefused(
        http.postBytes(
            admin,
            MODELS + "/bogus/versions?metric=auc%3Dhigh",
            "application/octet-stream",
            onnx()),
        400,
        "metric",
        "'high'");

    assertThat(http.get(admin, MODELS + "/bogus").status()).isEqualTo(404);
    assertThat(artifactFiles()).isEqualTo(before);
    assertThat(DATA.resolve("artifacts/models/default/bogus")).as("no empty folder").doesNotExist();
    assertThat(artifactTemporaryFiles()).isEmpty();
  }

  @Test
  void badReferencesAreRefusedNamingTheField() {
    register("refs");

    assertRefused(http.get(admin, MODELS + "/refs/versions/0"), 400, "version", "positive");
    assertRefused(http.get(admin, MODELS + "/refs/versions/@Prod"), 400, "version", "'Prod'");
    assertRefused(http.delete(admin, MODELS + "/refs/versions/@latest"), 400, "version", "alias");
    assertThat(http.get(admin, MODELS + "/refs/versions/7").status()).isEqualTo(404);
    TestingCli.Result bad = cli.run("model", "get", "refs:x");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("positive whole number, but was 'x'");
    assertThat(cli.run("model", "delete", "refs@latest").exitCode()).isEqualTo(2);
  }

  @Test
  void concurrentUploadsOfOneModelGetDistinctVersions() throws Exception {
    List<Thread> threads =
        Stream.generate(() -> new Thread(() -> register("parallel"))).limit(6).toList();
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join(60_000);
    }

    JsonNode versions = JSON.readTree(http.get(admin, MODELS + "/parallel/versions").body());
    assertThat(versions).hasSize(6);
    assertThat(versions.valueStream().map(v -> v.get("version").asInt()).sorted().toList())
        .containsExactly(1, 2, 3, 4, 5, 6);
  }

  @Test
  void anotherProjectsMemberSeesNothingAndAViewerCannotWrite() {
    String alice = ServerFixture.userWithProject(http, admin, "alice", "vision");
    String bob = ServerFixture.userWithProject(http, admin, "bob", "nlp");
    String carol = ServerFixture.userWithProject(http, admin, "carol", "audio");
    assertThat(
            http.put(
                    alice,
                    "/api/v1/projects/vision/members",
                    "{\"user\":\"carol\",\"role\":\"viewer\"}")
                .status())
        .isEqualTo(200);
    String vision = "/api/v1/projects/vision/models";
    TestingHttp.Answer made =
        http.postBytes(alice, vision + "/secret/versions", "application/octet-stream", onnx());
    assertThat(made.status()).as(made.body()).isEqualTo(201);

    assertThat(http.get(bob, vision).status()).isEqualTo(404);
    assertThat(http.get(bob, vision + "/secret").status()).isEqualTo(404);
    assertThat(http.get(bob, vision + "/secret/versions/1").status()).isEqualTo(404);
    assertThat(
            http.postBytes(bob, vision + "/secret/versions", "application/octet-stream", onnx())
                .status())
        .isEqualTo(404);
    assertThat(http.put(bob, vision + "/secret/aliases/production", "{\"version\":1}").status())
        .isEqualTo(404);
    assertThat(http.delete(bob, vision + "/secret/versions/1").status()).isEqualTo(404);
    assertThat(http.get(bob, "/api/v1/projects/nlp/models").body()).doesNotContain("secret");

    assertThat(http.get(carol, vision + "/secret/versions/1").status()).isEqualTo(200);
    assertThat(
            http.postBytes(carol, vision + "/secret/versions", "application/octet-stream", onnx())
                .status())
        .isEqualTo(403);
    assertThat(http.put(carol, vision + "/secret/aliases/production", "{\"version\":1}").status())
        .isEqualTo(403);
    assertThat(http.delete(carol, vision + "/secret/versions/1").status()).isEqualTo(403);
    assertThat(http.get(alice, vision + "/secret/versions").body()).contains("\"version\":1");
  }

  private int register(String model) {
    TestingHttp.Answer answer = upload(model, onnx());
    assertThat(answer.status()).as(answer.body()).isEqualTo(201);
    return JSON.readTree(answer.body()).get("version").asInt();
  }

  private TestingHttp.Answer upload(String model, byte[] body) {
    return http.postBytes(
        admin, MODELS + "/" + model + "/versions", "application/octet-stream", body);
  }

  private int versionOf(String reference) {
    TestingCli.Result got = cli.run("model", "get", reference, "-o", "json");
    assertThat(got.exitCode()).as(got.err()).isZero();
    return JSON.readTree(got.out()).get("version").asInt();
  }

  static void assertRefused(TestingHttp.Answer answer, int status, String field, String text) {
    assertThat(answer.status()).as(answer.body()).isEqualTo(status);
    JsonNode error = JSON.readTree(answer.body());
    assertThat(error.get("field").asString()).isEqualTo(field);
    assertThat(error.get("message").asString()).contains(text);
  }

  private static byte[] onnx() {
    try {
      return Files.readAllBytes(TestingOnnx.linear());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  private static List<Path> artifactFiles() {
    return ServerFixture.filesUnder(DATA.resolve("artifacts"));
  }

  private static List<Path> artifactTemporaryFiles() {
    return artifactFiles().stream().filter(p -> p.toString().contains("/.tmp/")).toList();
  }
}
