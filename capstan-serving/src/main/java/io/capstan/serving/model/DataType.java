package io.capstan.serving.model;

import ai.onnxruntime.OnnxJavaType;
import io.capstan.serving.ServingException;
import java.util.Arrays;

/**
 * The v2 tensor datatypes the server accepts, each with the Java array that holds its values and
 * the ONNX Runtime type it maps to. BOOL, INT8 and UINT8 values live in {@code byte[]} (a BOOL is 0
 * or 1), INT16 in {@code short[]}.
 */
public enum DataType {
  BOOL(OnnxJavaType.BOOL, 1),
  UINT8(OnnxJavaType.UINT8, 1),
  INT8(OnnxJavaType.INT8, 1),
  INT16(OnnxJavaType.INT16, 2),
  INT32(OnnxJavaType.INT32, 4),
  INT64(OnnxJavaType.INT64, 8),
  FP32(OnnxJavaType.FLOAT, 4),
  FP64(OnnxJavaType.DOUBLE, 8);

  private final OnnxJavaType onnxType;
  private final int byteSize;

  DataType(OnnxJavaType onnxType, int byteSize) {
    this.onnxType = onnxType;
    this.byteSize = byteSize;
  }

  OnnxJavaType onnxType() {
    return onnxType;
  }

  /** Bytes per element in the raw (little-endian) representation. */
  public int byteSize() {
    return byteSize;
  }

  /** A new zeroed array of this type's Java representation. */
  public Object newArray(int length) {
    return switch (this) {
      case BOOL, UINT8, INT8 -> new byte[length];
      case INT16 -> new short[length];
      case INT32 -> new int[length];
      case INT64 -> new long[length];
      case FP32 -> new float[length];
      case FP64 -> new double[length];
    };
  }

  /** True when {@code data} is this type's Java array. */
  boolean holds(Object data) {
    return switch (this) {
      case BOOL, UINT8, INT8 -> data instanceof byte[];
      case INT16 -> data instanceof short[];
      case INT32 -> data instanceof int[];
      case INT64 -> data instanceof long[];
      case FP32 -> data instanceof float[];
      case FP64 -> data instanceof double[];
    };
  }

  /** The v2 datatype named {@code name}; {@code field} names where it came from in errors. */
  public static DataType parse(String name, String field) {
    if (name == null || name.isEmpty()) {
      throw ServingException.badRequest("missing " + field);
    }
    for (DataType type : values()) {
      if (type.name().equals(name)) {
        return type;
      }
    }
    throw ServingException.badRequest(
        "expected "
            + field
            + " to be one of "
            + Arrays.toString(values())
            + ", but was '"
            + name
            + "'");
  }

  /** The v2 datatype of an ONNX Runtime type, or null when the server cannot serve it. */
  static DataType of(OnnxJavaType type) {
    for (DataType candidate : values()) {
      if (candidate.onnxType == type) {
        return candidate;
      }
    }
    return null;
  }
}
