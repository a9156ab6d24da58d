package io.capstan.serving.model;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/** A model input or output as the model declares it; -1 marks a dimension of any size. */
public record TensorSpec(String name, DataType datatype, long[] shape) {
  public TensorSpec {
    requireNonNull(name, "name is null");
    requireNonNull(datatype, "datatype is null");
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** True when the first dimension can take any size, so requests can be stacked along it. */
  public boolean batchable() {
    return shape.length > 0 && shape[0] < 0;
  }

  /** True when {@code actual} has this spec's rank and agrees with every fixed dimension. */
  public boolean accepts(long[] actual) {
    if (actual.length != shape.length) {
      return false;
    }
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] >= 0 && shape[i] != actual[i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TensorSpec that
        && name.equals(that.name)
        && datatype == that.datatype
        && Arrays.equals(shape, that.shape);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + " " + datatype + " " + Arrays.toString(shape);
  }
}
