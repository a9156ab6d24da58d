package io.capstan.server.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.model.Lineage;
import io.capstan.api.model.ModelVersionView;
import io.capstan.server.artifact.LocalArtifactStore;
import io.capstan.server.store.TestingDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * The start-up sweep of model files: what a crash left between the file and its version row goes,
 * every registered version's file stays.
 */
class ModelRegistrySweepTest {
  private static final OnnxSignatures SIGNATURES = new OnnxSignatures(OnnxSignatures.environment());

  @TempDir Path artifactsRoot;

  private final TestingDatabase db = TestingDatabase.h2();

  @Test
  void aFileWithoutAVersionIsRemovedAndRegisteredFilesAreKept() throws IOException {
    db.jdbc().sql("insert into projects (name, created_at) values ('vision', 0)").update();
    LocalArtifactStore artifacts = new LocalArtifactStore(artifactsRoot);
    ModelRegistry registry =
        new ModelRegistry(
            new ModelStore(db.jdbc(), db.transactions(), JsonMapper.builder().build()),
            artifacts,
            SIGNATURES,
            Clock.systemUTC(),
            new ModelsConfig(null));
    ModelVersionView registered;
    try (InputStream onnx = Files.newInputStream(TestingOnnx.linear())) {
      registered =
          registry.register(
              "vision",
              "churn",
              onnx,
              "body",
              new VersionDetails(null, Map.of(), Map.of()),
              Lineage.upload("alice"));
    }
    // What a crash after the file was in place and before the row was written leaves behind.
    Path orphan = artifactsRoot.resolve("models/vision/churn/0b1c2d3e.onnx");
    Files.copy(TestingOnnx.linear(), orphan);

    List<String> removed = registry.sweepOrphans();

    assertThat(removed).containsExactly("models/vision/churn/0b1c2d3e.onnx");
    assertThat(orphan).doesNotExist();
    assertThat(artifactsRoot.resolve(registered.artifact().key())).exists();
    assertThat(registry.sweepOrphans()).as("a second sweep finds nothing").isEmpty();
  }
}
