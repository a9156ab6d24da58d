package io.capstan.jobspec;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.error.ErrorCode;
import org.junit.jupiter.api.Test;

/** Field paths as errors name them. */
class FieldPathTest {
  @Test
  void joinsKeysWithDotsAndIndexesWithBrackets() {
    FieldPath path =
        FieldPath.ROOT
            .child("spec")
            .child("pytorchReplicaSpecs")
            .child("Worker")
            .child("containers")
            .index(0)
            .child("cpu");

    assertThat(path.text()).isEqualTo("spec.pytorchReplicaSpecs.Worker.containers[0].cpu");
  }

  @Test
  void bracketsKeysThatAreNotPlainIdentifiers() {
    assertThat(FieldPath.ROOT.child("limits").child("nvidia.com/gpu").text())
        .isEqualTo("limits[nvidia.com/gpu]");
  }

  @Test
  void errorsAboutTheRootNameNoField() {
    assertThat(FieldPath.ROOT.invalid("bad").field()).isNull();
    assertThat(FieldPath.ROOT.child("kind").invalid("bad").field()).isEqualTo("kind");
    assertThat(FieldPath.ROOT.invalid("bad").code()).isEqualTo(ErrorCode.INVALID_SPEC);
  }
}
