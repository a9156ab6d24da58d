package io.capstan.server.e2e;

import static io.capstan.server.e2e.ModelRegistryIT.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.server.CapstanServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Models made by real PyTorch DDP jobs: registered from a succeeded job's output through the CLI,
 * and registered by the control plane when a job declares its output (Capstan's spec, or Kubeflow
 * annotations), with the job's metrics and lineage; failures show as job events.
 */
@SpringBootTest(
    classes = CapstanServer.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ModelFromJobIT {
  private static final Path DATA = ServerFixture.newDataDir("capstan-model-jobs-it");
  private static final Path EXAMPLES = ServerFixture.repository().resolve("examples");
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String MODELS = "/api/v1/projects/default/models";

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("capstan.data-dir", DATA::toString);
    registry.add("capstan.home", () -> ServerFixture.repository().toString());
    registry.add("capstan.stop-grace-period", () -> "3s");
  }

  @Value("${local.server.port}")
  int port;

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
  void aSucceededJobsOutputIsRegisteredFromTheCliWithLineageAndItsMetrics() throws Exception {
    String job = runToSuccess(ddpJob("train-churn", ""));

    TestingCli.Result registered =
        cli.run(
            "model",
            "register",
            "churn",
            "--from-job",
            job,
            "--path",
            "model.onnx",
            "--metric",
            "auc=0.8");

    assertThat(registered.exitCode()).as(registered.err()).isZero();
    assertThat(registered.out().trim()).isEqualTo("Registered churn:1");
    JsonNode version = JSON.readTree(cli.run("model", "get", "churn@latest", "-o", "json").out());
    JsonNode lineage = version.get("lineage");
    JsonNode jobView = JSON.readTree(cli.run("get", job, "-o", "json").out());
    assertThat(lineage.get("registeredBy").asString()).isEqualTo("admin");
    assertThat(lineage.get("project").asString()).isEqualTo("default");
    assertThat(lineage.get("jobName").asString()).isEqualTo(job);
    assertThat(lineage.get("jobUid").asString()).isEqualTo(jobView.get("uid").asString());
    assertThat(lineage.get("attempt").asInt()).isEqualTo(1);
    assertThat(lineage.get("outputPath").asString()).isEqualTo("model.onnx");
    assertThat(version.get("metrics").get("auc").asDouble()).isEqualTo(0.8);
    assertThat(version.get("metrics").get("epochs").asDouble()).isEqualTo(1.0);
    assertThat(version.get("metrics").has("final_loss")).isTrue();
    assertThat(version.get("signature").get("inputs").get(0).get("shape").toString())
        .isEqualTo("[-1,8]");
    // The job's output was collected into the artifact store when it succeeded.
    String uid = jobView.get("uid").asString();
    Path collected = DATA.resolve("artifacts/jobs").resolve(uid).resolve("output/model.onnx");
    assertThat(DATA.resolve("artifacts").resolve(version.get("artifact").get("key").asString()))
        .hasSameBinaryContentAs(collected);
    assertThat(jobView.get("status").get("outputDir").asString()).isEqualTo("/capstan/output");
    TestingCli.Result outputs = cli.run("outputs", job);
    assertThat(outputs.exitCode()).as(outputs.err()).isZero();
    assertThat(outputs.out()).contains("model.onnx", "metrics.json", sha256(collected));
    assertThat(cli.run("model", "get", "churn:1").out()).contains("job " + job, "attempt 1");

    badSourcesAreRefusedNamingTheFieldAndStoreNothing(job);
  }

  private void badSourcesAreRefusedNamingTheFieldAndStoreNothing(String job) throws Exception {
    // A link and a name the artifact store cannot take are left out, and the job says so.
    String escaping =
        runToSuccess(
            """
            apiVersion: capstan.io/v1
            kind: TrainingJob
            metadata: {name: escaping}
            spec:
              replicas:
                - role: worker
                  count: 1
                  command: [sh, -c, "ln -s /etc/hostname $CAPSTAN_OUTPUT_DIR/escape.onnx && echo x > \\"$CAPSTAN_OUTPUT_DIR/my model.onnx\\""]
            """);
    awaitEventOfSucceededJob(
        escaping, "OutputsNotCollected", "'escape.onnx' (not a regular file", "'my model.onnx'");
    String path = MODELS + "/churn/versions/from-job";
    var before = ServerFixture.filesUnder(DATA.resolve("artifacts"));

    assertRefused(fromJob(path, job, "../../../admin.token"), 400, "path", "'..'");
    assertRefused(fromJob(path, job, "/etc/passwd"), 400, "path", "absolute");
    assertRefused(fromJob(path, job, "missing.onnx"), 404, "path", "not found");
    assertRefused(fromJob(path, escaping, "escape.onnx"), 404, "path", "not found");
    assertRefused(
        fromJob(path, escaping, "my model.onnx"), 400, "path", "not one the artifact store takes");
    assertRefused(fromJob(path, job, "metrics.json"), 400, "path", "ONNX");

    assertRefused(fromJob(path, "no-such-job", "model.onnx"), 404, "job", "not found");
    String failed =
        submit(
            """
            apiVersion: capstan.io/v1
            kind: TrainingJob
            metadata: {name: broken}
            spec:
              replicas: [{role: worker, count: 1, command: ["false"]}]
            """);
    assertThat(cli.run("wait", failed, "--timeout", "2m").exitCode()).isEqualTo(1);
    assertRefused(fromJob(path, failed, "model.onnx"), 409, "job", "Failed");
    TestingCli.Result cliEscape =
        cli.run("model", "register", "churn", "--from-job", job, "--path", "../x.onnx");
    assertThat(cliEscape.exitCode()).isEqualTo(1);
    assertThat(cliEscape.err()).contains("field: path");

    assertThat(JSON.readTree(http.get(admin, MODELS + "/churn/versions").body())).hasSize(1);
    assertThat(ServerFixture.filesUnder(DATA.resolve("artifacts"))).isEqualTo(before);
  }

  @Test
  void aJobThatDeclaresItsOutputHasItRegisteredOnSuccess() {
    String job = runToSuccess(ddpJob("train-auto", "  registerModel: {name: auto-churn}\n"));

    JsonNode version = awaitVersion("auto-churn", 1);

    assertThat(version.get("lineage").get("registeredBy").asString()).isEqualTo("job-controller");
    assertThat(version.get("lineage").get("jobName").asString()).isEqualTo(job);
    assertThat(version.get("lineage").get("outputPath").asString()).isEqualTo("model.onnx");
    assertThat(version.get("metrics").get("epochs").asDouble()).isEqualTo(1.0);
    assertThat(version.get("metrics").has("final_loss")).isTrue();
    awaitEventOfSucceededJob(job, "ModelRegistered", "as model auto-churn version 1");
  }

  @Test
  void aKubeflowPyTorchJobDeclaresItsOutputWithAnnotations() throws Exception {
    String yaml =
        Files.readString(EXAMPLES.resolve("pytorch-ddp/pytorchjob.yaml"))
            .replace(
                "  name: pytorch-ddp\n",
                "  name: kubeflow-churn\n  annotations:\n"
                    + "    capstan.io/register-model: kf-churn\n"
                    + "    capstan.io/model-path: model.onnx\n")
            .replace("[\"--epochs\", \"5\"]", "[\"--epochs\", \"1\"]");

    String job = runToSuccess(yaml);

    JsonNode version = awaitVersion("kf-churn", 1);
    assertThat(version.get("lineage").get("jobName").asString()).isEqualTo(job);
    assertThat(
            JSON.readTree(cli.run("get", job, "-o", "json").out())
                .get("spec")
                .get("sourceKind")
                .asString())
        .isEqualTo("PyTorchJob");
  }

  @Test
  void aDeclaredOutputThatIsMissingShowsAsAJobEventAndTheJobStillSucceeded() {
    String job =
        runToSuccess(
            """
            apiVersion: capstan.io/v1
            kind: TrainingJob
            metadata: {name: no-model}
            spec:
              registerModel: {name: ghost, path: out/model.onnx}
              replicas: [{role: worker, count: 1, command: ["true"]}]
            """);

    awaitEventOfSucceededJob(job, "ModelRegistrationFailed", "'out/model.onnx' not found");
    assertThat(http.get(admin, MODELS + "/ghost").status()).isEqualTo(404);
  }

  /** Waits until {@code capstan get JOB} shows the texts; the job stays Succeeded. */
  private void awaitEventOfSucceededJob(String job, String... texts) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(cli.run("get", job).out()).contains(texts));
    JsonNode view = JSON.readTree(cli.run("get", job, "-o", "json").out());
    assertThat(view.get("status").get("phase").asString()).isEqualTo("Succeeded");
  }

  private String ddpJob(String name, String extraSpec) {
    try {
      String yaml = Files.readString(EXAMPLES.resolve("pytorch-ddp/job.yaml"));
      return yaml.replace("name: pytorch-ddp", "name: " + name)
          .replace("spec:\n", "spec:\n" + extraSpec)
          .replace("[\"--epochs\", \"5\"]", "[\"--epochs\", \"1\"]");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private String runToSuccess(String spec) {
    String name = submit(spec);
    TestingCli.Result waited = cli.run("wait", name, "--timeout", "3m");
    assertThat(waited.exitCode())
        .as(waited.out() + waited.err() + cli.run("get", name).out())
        .isZero();
    return name;
  }

  private String submit(String spec) {
    TestingCli.Result submitted = cli.runWithInput(spec, "submit", "-f", "-");
    assertThat(submitted.exitCode()).as(submitted.err()).isZero();
    return submitted.out().trim();
  }

  private static String sha256(Path file) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(
            java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  private TestingHttp.Answer fromJob(String path, String job, String file) {
    return http.post(
        admin, path, "application/json", "{\"job\":\"" + job + "\",\"path\":\"" + file + "\"}");
  }

  private JsonNode awaitVersion(String model, int version) {
    String path = MODELS + "/" + model + "/versions/" + version;
    await().atMost(Duration.ofSeconds(60)).until(() -> http.get(admin, path).status() == 200);
    return JSON.readTree(http.get(admin, path).body());
  }
}
