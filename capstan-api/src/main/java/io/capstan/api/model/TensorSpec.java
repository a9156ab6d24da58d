package io.capstan.api.model;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One input or output of a model, as its ONNX graph declares it.
 *
 * @param name the tensor's name in the graph
 * @param dtype the element type in ONNX words: {@code float}, {@code int64}, {@code string}, ...
 * @param shape the dimensions, -1 for a dynamic one (such as the batch); empty for a scalar or a
 *     non-tensor value
 */
public record TensorSpec(String name, String dtype, List<Long> shape) {
  public TensorSpec {
    requireNonNull(name, "name is null");
    requireNonNull(dtype, "dtype is null");
    shape = shape == null ? List.of() : List.copyOf(shape);
  }
}
