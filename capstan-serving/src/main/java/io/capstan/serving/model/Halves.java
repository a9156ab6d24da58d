package io.capstan.serving.model;

import ai.onnxruntime.platform.Fp16Conversions;
import io.capstan.serving.ServingException;

/** FP16 and BF16 values, held as their 16 bits, to and from numbers in JSON and protobuf. */
public final class Halves {
  /** The largest finite FP16 value. */
  private static final double FP16_MAX = 65504;

  private Halves() {}

  /**
   * The bits of {@code value} as {@code type} (FP16 or BF16), rounded to the nearest; a finite
   * value beyond the type's range is a bad request naming {@code input}.
   */
  public static short bits(DataType type, double value, String input) {
    double limit = type == DataType.FP16 ? FP16_MAX : Float.MAX_VALUE;
    if (Double.isFinite(value) && Math.abs(value) > limit) {
      throw ServingException.badRequest(
          "input '" + input + "' holds " + value + ", which is out of range for " + type);
    }
    return type == DataType.FP16
        ? Fp16Conversions.floatToFp16((float) value)
        : Fp16Conversions.floatToBf16((float) value);
  }

  /** The value of {@code bits} of {@code type} (FP16 or BF16). */
  public static float value(DataType type, short bits) {
    return type == DataType.FP16
        ? Fp16Conversions.fp16ToFloat(bits)
        : Fp16Conversions.bf16ToFloat(bits);
  }
}
