package io.capstan.serving.model;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;
import io.capstan.serving.ServingException;
import java.util.Arrays;

/**
 * The v2 tensor datatypes the server accepts, each with the Java array that holds its values and
 * the ONNX Runtime type it maps to. BOOL, INT8 and UINT8 values live in {@code byte[]} (a BOOL is 0
 * or 1), INT16 in {@code short[]}, FP16 and BF16 in {@code short[]} holding their bits, BYTES in
 * {@code String[]} (ONNX Runtime's string tensors are UTF-8). UINT16, UINT32 and UINT64 are not
 * among them: ONNX Runtime's Java API cannot make or read such tensors, so a model that has one is
 * refused when it is loaded ({@link #of}).
 */
public enum DataType {
  BOOL(OnnxJavaType.BOOL, 1),
  UINT8(OnnxJavaType.UINT8, 1),
  INT8(OnnxJavaType.INT8, 1),
  INT16(OnnxJavaType.INT16, 2),
  INT32(OnnxJavaType.INT32, 4),
  INT64(OnnxJavaType.INT64, 8),
  FP16(OnnxJavaType.FLOAT16, 2),
  BF16(OnnxJavaType.BFLOAT16, 2),
  FP32(OnnxJavaType.FLOAT, 4),
  FP64(OnnxJavaType.DOUBLE, 8),
  /** Variable-length elements: 4-byte little-endian length, then the bytes, in raw form. */
  BYTES(OnnxJavaType.STRING, 0);

  private final OnnxJavaType onnxType;
  private final int byteSize;

  DataType(OnnxJavaType onnxType, int byteSize) {
    this.onnxType = onnxType;
    this.byteSize = byteSize;
  }

  OnnxJavaType onnxType() {
    return onnxType;
  }

  /** Bytes per element in the raw (little-endian) representation; 0 for BYTES (variable). */
  public int byteSize() {
    return byteSize;
  }

  /** Whether its values may have a fractional part: FP16, BF16, FP32, FP64. */
  public boolean floatingPoint() {
    return this == FP16 || this == BF16 || this == FP32 || this == FP64;
  }

  /** A new zeroed array of this type's Java representation. */
  public Object newArray(int length) {
    return switch (this) {
      case BOOL, UINT8, INT8 -> new byte[length];
      case INT16, FP16, BF16 -> new short[length];
      case INT32 -> new int[length];
      case INT64 -> new long[length];
      case FP32 -> new float[length];
      case FP64 -> new double[length];
      case BYTES -> new String[length];
    };
  }

  /** True when {@code data} is this type's Java array. */
  boolean holds(Object data) {
    return switch (this) {
      case BOOL, UINT8, INT8 -> data instanceof byte[];
      case INT16, FP16, BF16 -> data instanceof short[];
      case INT32 -> data instanceof int[];
      case INT64 -> data instanceof long[];
      case FP32 -> data instanceof float[];
      case FP64 -> data instanceof double[];
      case BYTES -> data instanceof String[];
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

  /**
   * The v2 datatype of tensor {@code name}'s ONNX type; IllegalArgumentException saying why when
   * the server cannot serve it.
   */
  static DataType of(String name, TensorInfo.OnnxTensorType type) {
    DataType mapped =
        switch (type) {
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL -> BOOL;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 -> UINT8;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 -> INT8;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16 -> INT16;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> INT32;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> INT64;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> FP16;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16 -> BF16;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> FP32;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> FP64;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING -> BYTES;
          default -> null;
        };
    if (mapped != null) {
      return mapped;
    }
    String onnx = type.name().replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", "");
    String why =
        onnx.startsWith("UINT")
            ? "ONNX Runtime's Java API, which serves the model, cannot make or read "
                + onnx
                + " tensors; export the model with a signed type of the next size (for example"
                + " INT64 for UINT32)"
            : "the v2 protocol has no datatype for it";
    throw new IllegalArgumentException(
        "tensor '" + name + "' has ONNX type " + onnx + ", which the server cannot serve: " + why);
  }
}
