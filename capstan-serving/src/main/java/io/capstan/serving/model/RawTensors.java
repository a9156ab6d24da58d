package io.capstan.serving.model;

import io.capstan.serving.ServingException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A tensor's values as raw bytes: flat, row-major, little-endian, as gRPC's {@code
 * raw_input_contents} and Triton's HTTP binary tensor data extension carry them.
 */
public final class RawTensors {
  private RawTensors() {}

  /**
   * The values of {@code count} elements of {@code type} in {@code bytes} (its remaining bytes, all
   * of them); {@code where} says in errors where the bytes came from.
   */
  public static Object decode(
      String name, DataType type, int count, ByteBuffer bytes, String where) {
    long expected = (long) count * type.byteSize();
    if (bytes.remaining() != expected) {
      throw ServingException.badRequest(
          where
              + " of input '"
              + name
              + "' has "
              + bytes.remaining()
              + " bytes, but its shape and datatype "
              + type
              + " need "
              + expected);
    }
    ByteBuffer buf = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
    Object data = type.newArray(count);
    switch (type) {
      case FP32 -> buf.asFloatBuffer().get((float[]) data);
      case FP64 -> buf.asDoubleBuffer().get((double[]) data);
      case INT64 -> buf.asLongBuffer().get((long[]) data);
      case INT32 -> buf.asIntBuffer().get((int[]) data);
      case INT16 -> buf.asShortBuffer().get((short[]) data);
      case BOOL, UINT8, INT8 -> buf.get((byte[]) data);
    }
    return data;
  }

  /** The tensor's values as raw bytes, in a fresh array. */
  public static byte[] encode(Tensor tensor) {
    ByteBuffer buf =
        ByteBuffer.allocate(tensor.elementCount() * tensor.datatype().byteSize())
            .order(ByteOrder.LITTLE_ENDIAN);
    switch (tensor.datatype()) {
      case FP32 -> buf.asFloatBuffer().put((float[]) tensor.data());
      case FP64 -> buf.asDoubleBuffer().put((double[]) tensor.data());
      case INT64 -> buf.asLongBuffer().put((long[]) tensor.data());
      case INT32 -> buf.asIntBuffer().put((int[]) tensor.data());
      case INT16 -> buf.asShortBuffer().put((short[]) tensor.data());
      case BOOL, UINT8, INT8 -> buf.put((byte[]) tensor.data());
    }
    return buf.array();
  }
}
