package io.capstan.server.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.job.JobEvent;
import io.capstan.api.model.ModelVersionView;
import io.capstan.server.job.JobControllerHarness;
import io.capstan.server.job.JobOutputCollector;
import io.capstan.server.job.JobOutputsConfig;
import io.capstan.server.job.JobRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * A job that declares its output has it registered as a model version on success, from what the
 * output collector copied out of the runtime's volume into the artifact store: the in-memory
 * runtime, H2 and a controllable clock, no process started.
 */
class JobOutputRegistrarTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path dataDir;
  private JobControllerHarness h;
  private ModelStore models;
  private JobOutputs outputs;

  @BeforeEach
  void setUp() {
    h = new JobControllerHarness(dataDir, List.of());
    models = new ModelStore(h.db.jdbc(), h.db.transactions(), JSON);
    ModelRegistry registry =
        new ModelRegistry(
            models,
            h.artifacts,
            new OnnxSignatures(OnnxSignatures.environment()),
            h.clock,
            new ModelsConfig(null));
    JobOutputCollector collector =
        new JobOutputCollector(
            h.runtime.volumes(),
            h.artifacts,
            h.store(),
            JSON,
            h.clock,
            JobOutputsConfig.defaults(),
            Runnable::run);
    outputs = new JobOutputs(registry, h.store(), h.artifacts, collector, JSON);
    h.listen(new JobOutputRegistrar(outputs, models, h.store(), h.clock));
  }

  @Test
  void aSucceededJobsOutputFileIsRegisteredWithItsMetricsAfterItIsCollected() throws Exception {
    String uid = run("train", "model.onnx");
    h.runtime.putFile(uid, "output", "model.onnx", Files.readAllBytes(TestingOnnx.linear()));
    h.runtime.putFile(uid, "output", "metrics.json", "{\"auc\": 0.91, \"note\": \"x\"}");

    succeed(uid);

    ModelVersionRecord version = models.versionFromJob("vision", "churn", uid).orElseThrow();
    assertThat(version.version()).isEqualTo(1);
    assertThat(version.metrics()).isEqualTo(Map.of("auc", 0.91));
    assertThat(version.lineage().jobUid()).isEqualTo(uid);
    assertThat(version.lineage().outputPath()).isEqualTo("model.onnx");
    assertThat(reasons(uid)).containsSubsequence("OutputsCollected", "ModelRegistered");

    // A later version from the same succeeded job, as `capstan model register --from-job` does.
    JobRecord job = outputs.succeededJob("vision", "train");
    ModelVersionView later =
        outputs.register(job, "churn", "model.onnx", new VersionDetails(null, null, null), "alice");
    assertThat(later.version()).isEqualTo(2);
  }

  @Test
  void aDeclaredOutputWhoseNameCannotBeCollectedFailsWithAnEventSayingWhy() {
    String uid = run("train", "my model.onnx");
    h.runtime.putFile(uid, "output", "my model.onnx", "not even onnx");

    succeed(uid);

    assertThat(models.versionFromJob("vision", "churn", uid)).isEmpty();
    assertThat(message(uid, "OutputsNotCollected")).contains("'my model.onnx'");
    assertThat(message(uid, "ModelRegistrationFailed"))
        .contains("'my model.onnx' is not one the artifact store takes");
  }

  private String run(String name, String path) {
    h.jobs()
        .submit(
            "vision",
            """
            apiVersion: capstan.io/v1
            kind: TrainingJob
            metadata: {name: %s}
            spec:
              registerModel: {name: churn, path: "%s"}
              replicas: [{role: worker, count: 1, command: ["true"]}]
            """
                .formatted(name, path));
    h.pass();
    return h.job(name).uid();
  }

  private void succeed(String uid) {
    h.runtime.replica(uid, "worker-0").exits(0);
    h.tick();
    assertThat(h.job("train").released()).isTrue();
  }

  private List<String> reasons(String uid) {
    return h.store().events(uid).stream().map(JobEvent::reason).toList();
  }

  private String message(String uid, String reason) {
    return h.store().events(uid).stream()
        .filter(e -> e.reason().equals(reason))
        .map(JobEvent::message)
        .findFirst()
        .orElseThrow(() -> new AssertionError("No " + reason + " in " + reasons(uid)));
  }
}
