package io.capstan.server.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.model.ModelSignature;
import io.capstan.api.model.TensorSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signatures read by real ONNX Runtime from a real PyTorch export. */
class OnnxSignaturesTest {
  private final OnnxSignatures signatures = new OnnxSignatures(OnnxSignatures.environment());

  @Test
  void readsNamesTypesAndShapesWithDynamicDimensionsAsMinusOne() {
    ModelSignature signature = signatures.read(TestingOnnx.linear(), "body", "the upload");

    assertThat(signature.inputs())
        .containsExactly(new TensorSpec("input", "float", List.of(-1L, 4L)));
    assertThat(signature.outputs())
        .containsExactly(new TensorSpec("output", "float", List.of(-1L, 2L)));
  }

  @Test
  void aFileThatIsNotOnnxIsRefusedNamingTheField(@TempDir Path dir) throws Exception {
    Path text = Files.writeString(dir.resolve("model.onnx"), "not a model at all");

    assertThatThrownBy(() -> signatures.read(text, "body", "the upload of model 'churn'"))
        .isInstanceOfSatisfying(
            CapstanException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
              assertThat(e.field()).isEqualTo("body");
              assertThat(e.getMessage())
                  .startsWith(
                      "Expected body (the upload of model 'churn') to be an ONNX model, but ONNX"
                          + " Runtime cannot load it: ")
                  .doesNotContain(dir.toString());
            });
  }

  @Test
  void aRefusalNamesTheSourceAndNoServerPath() {
    Path file = Path.of("/var/lib/capstan/artifacts/models/default/churn/0b1c.onnx");

    String message =
        OnnxSignatures.withoutPaths(
            "Load model from " + file + " failed: cannot open /etc/capstan/ort.conf",
            file,
            "'model.onnx' of job 'train-7'");

    assertThat(message)
        .isEqualTo(
            "Load model from 'model.onnx' of job 'train-7' failed: cannot open <server path>");
  }
}
