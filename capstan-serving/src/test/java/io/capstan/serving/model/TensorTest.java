package io.capstan.serving.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtProvider;
import io.capstan.serving.ServingException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TensorTest {
  @Test
  void concatStacksRowsAndSliceTakesThemBack() {
    Tensor a = new Tensor("x", DataType.INT64, new long[] {1, 2}, new long[] {1, 2});
    Tensor b = new Tensor("x", DataType.INT64, new long[] {2, 2}, new long[] {3, 4, 5, 6});
    Tensor both = Tensor.concat(List.of(a, b));
    assertThat(both.shape()).containsExactly(3, 2);
    assertThat((long[]) both.data()).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(both.slice(0, 1)).isEqualTo(a);
    assertThat(both.slice(1, 2)).isEqualTo(b);
  }

  @Test
  void valuesMustFillTheShape() {
    assertThatThrownBy(() -> new Tensor("x", DataType.FP32, new long[] {2, 2}, new float[3]))
        .isInstanceOf(ServingException.class)
        .hasMessage("input 'x' has 3 values, but its shape [2, 2] needs 4");
    assertThatThrownBy(() -> new Tensor("x", DataType.FP32, new long[] {-1, 2}, new float[2]))
        .isInstanceOf(ServingException.class)
        .hasMessageContaining("to be >= 0");
    assertThatThrownBy(
            () ->
                new Tensor(
                    "x", DataType.FP32, new long[] {1L << 30, 1L << 40, 1L << 40}, new float[1]))
        .isInstanceOf(ServingException.class)
        .hasMessageContaining("is too large");
  }

  @Test
  void aSpecAcceptsShapesThatFitItsFixedDimensions() {
    TensorSpec spec = new TensorSpec("x", DataType.FP32, new long[] {-1, 8});
    assertThat(spec.batchable()).isTrue();
    assertThat(spec.accepts(new long[] {5, 8})).isTrue();
    assertThat(spec.accepts(new long[] {5, 7})).isFalse();
    assertThat(spec.accepts(new long[] {8})).isFalse();
    assertThat(new TensorSpec("x", DataType.FP32, new long[] {2, 8}).batchable()).isFalse();
  }

  @Test
  void cudaIsPreferredOnlyWhenTheBuildHasIt() {
    assertThat(ExecutionProvider.preferred(Set.of(OrtProvider.CPU)))
        .isEqualTo(ExecutionProvider.CPU);
    assertThat(ExecutionProvider.preferred(Set.of(OrtProvider.CPU, OrtProvider.CUDA)))
        .isEqualTo(ExecutionProvider.CUDA);
  }
}
