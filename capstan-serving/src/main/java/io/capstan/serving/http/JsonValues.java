package io.capstan.serving.http;

import io.capstan.serving.ServingException;
import io.capstan.serving.model.DataType;
import io.capstan.serving.model.Halves;
import java.util.Arrays;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * The values of one input's {@code data}, flat or nested, read straight from the parser into a
 * primitive array: floats into {@code float[]} when the datatype is already known, otherwise into
 * doubles and longs until it is.
 */
final class JsonValues {
  private final String input;
  private final DataType known;
  private float[] floats;
  private double[] doubles;
  private long[] longs;
  private String[] strings;
  private int size;
  private boolean nonInteger;
  private boolean booleans;
  private boolean numbers;
  private boolean texts;

  JsonValues(String input, DataType known) {
    this.input = input;
    this.known = known;
    if (known == DataType.FP32) {
      floats = new float[16];
    } else {
      doubles = new double[16];
      longs = new long[16];
      strings = new String[16];
    }
  }

  /** Reads the value or array (any nesting) the parser is on. */
  void read(JsonParser p) {
    JsonToken token = p.currentToken();
    if (token == JsonToken.START_ARRAY) {
      while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
        if (token == null) {
          throw ServingException.badRequest("the data of input '" + input + "' is cut short");
        }
        read(p);
      }
      return;
    }
    if (floats != null) {
      if (token != JsonToken.VALUE_NUMBER_FLOAT && token != JsonToken.VALUE_NUMBER_INT) {
        throw notA("number", token);
      }
      if (size == floats.length) {
        floats = Arrays.copyOf(floats, size * 2);
      }
      floats[size++] = p.getFloatValue();
      return;
    }
    if (size == doubles.length) {
      doubles = Arrays.copyOf(doubles, size * 2);
      longs = Arrays.copyOf(longs, size * 2);
      strings = Arrays.copyOf(strings, size * 2);
    }
    switch (token) {
      case VALUE_NUMBER_INT -> {
        numbers = true;
        long value = p.getLongValue();
        longs[size] = value;
        doubles[size++] = value;
      }
      case VALUE_NUMBER_FLOAT -> {
        numbers = true;
        nonInteger = true;
        doubles[size++] = p.getDoubleValue();
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        booleans = true;
        longs[size] = token == JsonToken.VALUE_TRUE ? 1 : 0;
        doubles[size++] = longs[size - 1];
      }
      case VALUE_STRING -> {
        texts = true;
        strings[size++] = p.getString();
      }
      default -> throw notA(known == null ? "number or boolean" : known.name() + " value", token);
    }
  }

  private ServingException notA(String what, JsonToken token) {
    String found = token == JsonToken.VALUE_STRING ? "a string" : token.name();
    return ServingException.badRequest(
        "expected the data of input '" + input + "' to hold " + what + "s, but found " + found);
  }

  /** The values as {@code type}'s Java array; a value that does not fit is a bad request. */
  Object toArray(DataType type) {
    if (floats != null) {
      if (type != DataType.FP32) {
        throw ServingException.badRequest("input '" + input + "' names two datatypes");
      }
      return Arrays.copyOf(floats, size);
    }
    if (type == DataType.BYTES) {
      if (numbers || booleans) {
        throw ServingException.badRequest(
            "expected the data of input '" + input + "' to hold strings for datatype BYTES");
      }
      return Arrays.copyOf(strings, size);
    }
    if (texts || (type == DataType.BOOL ? numbers : booleans)) {
      throw ServingException.badRequest(
          "expected the data of input '"
              + input
              + "' to hold "
              + (type == DataType.BOOL ? "true/false" : "numbers")
              + " for datatype "
              + type
              + (texts ? ", but found a string" : ""));
    }
    if (nonInteger && !type.floatingPoint()) {
      throw ServingException.badRequest(
          "expected the data of input '" + input + "' to hold integers for datatype " + type);
    }
    return switch (type) {
      case FP32 -> {
        float[] out = new float[size];
        for (int i = 0; i < size; i++) {
          out[i] = (float) doubles[i];
        }
        yield out;
      }
      case FP64 -> Arrays.copyOf(doubles, size);
      case FP16, BF16 -> {
        short[] out = new short[size];
        for (int i = 0; i < size; i++) {
          out[i] = Halves.bits(type, doubles[i], input);
        }
        yield out;
      }
      case BYTES -> throw new IllegalStateException("BYTES is handled above");
      case INT64 -> Arrays.copyOf(longs, size);
      case INT32 -> {
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
          out[i] = (int) inRange(longs[i], Integer.MIN_VALUE, Integer.MAX_VALUE, type);
        }
        yield out;
      }
      case INT16 -> {
        short[] out = new short[size];
        for (int i = 0; i < size; i++) {
          out[i] = (short) inRange(longs[i], Short.MIN_VALUE, Short.MAX_VALUE, type);
        }
        yield out;
      }
      case INT8, UINT8, BOOL -> {
        long min = type == DataType.INT8 ? Byte.MIN_VALUE : 0;
        long max = type == DataType.INT8 ? Byte.MAX_VALUE : type == DataType.UINT8 ? 255 : 1;
        byte[] out = new byte[size];
        for (int i = 0; i < size; i++) {
          out[i] = (byte) inRange(longs[i], min, max, type);
        }
        yield out;
      }
    };
  }

  private long inRange(long value, long min, long max, DataType type) {
    if (value < min || value > max) {
      throw ServingException.badRequest(
          "input '" + input + "' holds " + value + ", which is out of range for " + type);
    }
    return value;
  }
}
