package io.capstan.serving.model;

import io.capstan.serving.ErrorKind;
import io.capstan.serving.ServingException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A tensor's values as raw bytes: flat, row-major, little-endian, as gRPC's {@code
 * raw_input_contents} and Triton's HTTP binary tensor data extension carry them. A BYTES element is
 * its length (4 bytes, little-endian) followed by its bytes; FP16 and BF16 are their 16 bits.
 */
public final class RawTensors {
  private RawTensors() {}

  /**
   * The values of {@code count} elements of {@code type} in {@code bytes} (its remaining bytes, all
   * of them); {@code where} says in errors where the bytes came from.
   */
  public static Object decode(
      String name, DataType type, int count, ByteBuffer bytes, String where) {
    ByteBuffer buf = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
    if (type == DataType.BYTES) {
      return strings(name, count, buf, where);
    }
    long expected = (long) count * type.byteSize();
    if (buf.remaining() != expected) {
      throw sizeMismatch(
          where,
          name,
          buf.remaining(),
          "bytes, but its shape and datatype " + type + " need " + expected);
    }
    Object data = type.newArray(count);
    switch (type) {
      case FP32 -> buf.asFloatBuffer().get((float[]) data);
      case FP64 -> buf.asDoubleBuffer().get((double[]) data);
      case INT64 -> buf.asLongBuffer().get((long[]) data);
      case INT32 -> buf.asIntBuffer().get((int[]) data);
      case INT16, FP16, BF16 -> buf.asShortBuffer().get((short[]) data);
      case BOOL, UINT8, INT8 -> buf.get((byte[]) data);
      case BYTES -> throw new IllegalStateException("BYTES is decoded above");
    }
    return data;
  }

  /** The tensor's values as raw bytes, in a fresh array. */
  public static byte[] encode(Tensor tensor) {
    ByteBuffer buf = ByteBuffer.allocate(size(tensor)).order(ByteOrder.LITTLE_ENDIAN);
    switch (tensor.datatype()) {
      case FP32 -> buf.asFloatBuffer().put((float[]) tensor.data());
      case FP64 -> buf.asDoubleBuffer().put((double[]) tensor.data());
      case INT64 -> buf.asLongBuffer().put((long[]) tensor.data());
      case INT32 -> buf.asIntBuffer().put((int[]) tensor.data());
      case INT16, FP16, BF16 -> buf.asShortBuffer().put((short[]) tensor.data());
      case BOOL, UINT8, INT8 -> buf.put((byte[]) tensor.data());
      case BYTES -> {
        for (String element : (String[]) tensor.data()) {
          byte[] utf8 = element.getBytes(StandardCharsets.UTF_8);
          buf.putInt(utf8.length).put(utf8);
        }
      }
    }
    return buf.array();
  }

  /** How many bytes {@link #encode} makes of {@code tensor}. */
  public static int size(Tensor tensor) {
    if (tensor.datatype() != DataType.BYTES) {
      return tensor.elementCount() * tensor.datatype().byteSize();
    }
    long size = 0;
    for (String element : (String[]) tensor.data()) {
      size += 4 + (long) element.getBytes(StandardCharsets.UTF_8).length;
    }
    if (size > Integer.MAX_VALUE) {
      throw new ServingException(ErrorKind.INTERNAL, "output '" + tensor.name() + "' is too large");
    }
    return (int) size;
  }

  private static String[] strings(String name, int count, ByteBuffer buf, String where) {
    String[] out = new String[count];
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    for (int i = 0; i < count; i++) {
      if (buf.remaining() < 4) {
        throw ServingException.badRequest(
            where + " of input '" + name + "' ends before element " + i + " of " + count);
      }
      int length = buf.getInt();
      if (length < 0 || length > buf.remaining()) {
        throw ServingException.badRequest(
            where
                + " of input '"
                + name
                + "' says element "
                + i
                + " has "
                + Integer.toUnsignedString(length)
                + " bytes, but only "
                + buf.remaining()
                + " are left");
      }
      ByteBuffer element = buf.slice().limit(length);
      buf.position(buf.position() + length);
      try {
        out[i] = decoder.decode(element).toString();
      } catch (CharacterCodingException e) {
        throw notUtf8(name, i);
      }
    }
    if (buf.hasRemaining()) {
      throw sizeMismatch(
          where, name, buf.remaining(), "bytes after its " + count + " BYTES elements");
    }
    return out;
  }

  /** The answer to a BYTES element that is not UTF-8 (ONNX Runtime's string tensors are). */
  public static ServingException notUtf8(String input, int element) {
    return ServingException.badRequest(
        "element "
            + element
            + " of BYTES input '"
            + input
            + "' is not UTF-8 text, which ONNX Runtime's string tensors need");
  }

  private static ServingException sizeMismatch(String where, String input, int bytes, String what) {
    return ServingException.badRequest(
        where + " of input '" + input + "' has " + bytes + " " + what);
  }
}
