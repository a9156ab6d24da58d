package io.capstan.serving.model;

import static java.util.Objects.requireNonNull;

import io.capstan.serving.ServingException;
import java.lang.reflect.Array;
import java.util.Arrays;
import java.util.List;

/**
 * A named tensor: datatype, shape and its values, flattened in row-major order in the Java array of
 * its datatype (see {@link DataType}). The array is not copied: a tensor owns it.
 */
public record Tensor(String name, DataType datatype, long[] shape, Object data) {
  public Tensor {
    requireNonNull(name, "name is null");
    requireNonNull(datatype, "datatype is null");
    requireNonNull(shape, "shape is null");
    requireNonNull(data, "data is null");
    if (!datatype.holds(data)) {
      throw new IllegalArgumentException(
          "tensor '" + name + "' of " + datatype + " holds a " + data.getClass().getSimpleName());
    }
    long expected = elementCount(shape, name);
    int actual = Array.getLength(data);
    if (expected != actual) {
      throw ServingException.badRequest(
          "input '"
              + name
              + "' has "
              + actual
              + " values, but its shape "
              + Arrays.toString(shape)
              + " needs "
              + expected);
    }
  }

  /** The number of elements a shape holds; a negative dimension is a bad request. */
  public static long elementCount(long[] shape, String name) {
    long count = 1;
    for (long dim : shape) {
      if (dim < 0) {
        throw ServingException.badRequest(
            "expected every dimension of the shape of '"
                + name
                + "' to be >= 0, but was "
                + Arrays.toString(shape));
      }
      count = dim > Integer.MAX_VALUE ? Long.MAX_VALUE : count * dim; // count <= 2^31 here
      if (count > Integer.MAX_VALUE) {
        throw ServingException.badRequest(
            "the shape " + Arrays.toString(shape) + " of '" + name + "' is too large");
      }
    }
    return count;
  }

  public int elementCount() {
    return Array.getLength(data);
  }

  /** The first dimension: the number of rows when the tensor is batched. */
  public long rows() {
    return shape.length == 0 ? 1 : shape[0];
  }

  /** Rows {@code [from, from + count)} of this tensor, as a new tensor with its own array. */
  public Tensor slice(int from, int count) {
    int perRow = shape[0] == 0 ? 0 : elementCount() / (int) shape[0];
    Object part = datatype.newArray(count * perRow);
    System.arraycopy(data, from * perRow, part, 0, count * perRow);
    long[] partShape = shape.clone();
    partShape[0] = count;
    return new Tensor(name, datatype, partShape, part);
  }

  /** The tensors stacked along their first dimension; all must agree on every other dimension. */
  public static Tensor concat(List<Tensor> parts) {
    Tensor first = parts.get(0);
    if (parts.size() == 1) {
      return first;
    }
    long rows = 0;
    int total = 0;
    for (Tensor part : parts) {
      rows += part.shape[0];
      total += part.elementCount();
    }
    Object data = first.datatype.newArray(total);
    int offset = 0;
    for (Tensor part : parts) {
      System.arraycopy(part.data, 0, data, offset, part.elementCount());
      offset += part.elementCount();
    }
    long[] shape = first.shape.clone();
    shape[0] = rows;
    return new Tensor(first.name, first.datatype, shape, data);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Tensor that
        && name.equals(that.name)
        && datatype == that.datatype
        && Arrays.equals(shape, that.shape)
        && Arrays.deepEquals(new Object[] {data}, new Object[] {that.data});
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return "Tensor[" + name + ", " + datatype + ", " + Arrays.toString(shape) + "]";
  }
}
