package io.capstan.serving.http;

import io.capstan.serving.ServingException;
import io.capstan.serving.model.DataType;
import io.capstan.serving.model.InferenceRequest;
import io.capstan.serving.model.InferenceResult;
import io.capstan.serving.model.RawTensors;
import io.capstan.serving.model.Tensor;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;

/**
 * The v2 REST inference request and response bodies, read and written with Jackson's streaming
 * parser and generator: tensor data goes straight between JSON and primitive arrays.
 */
final class JsonInference {
  /**
   * Buffers are recycled per thread: the event loops are long-lived platform threads, and the
   * default shared deque pool cost a contended poll and offer per request.
   */
  static final JsonFactory JSON =
      JsonFactory.builder().recyclerPool(JsonRecyclerPools.threadLocalPool()).build();

  private JsonInference() {}

  /**
   * Reads an inference request from {@code length} bytes of {@code body} at {@code offset};
   * malformed JSON or a bad field is a bad request. A parser over an array skips a stream's
   * encoding detection and buffer refills.
   *
   * @param jsonLength with Triton's binary tensor data extension, how many of the bytes are the
   *     JSON header ({@code Inference-Header-Content-Length}); the rest holds the binary inputs,
   *     one after another. Negative when the whole body is JSON.
   */
  static ParsedInference read(byte[] body, int offset, int length, int jsonLength) {
    int json = jsonLength < 0 ? length : jsonLength;
    ByteBuffer binary =
        jsonLength < 0 ? null : ByteBuffer.wrap(body, offset + json, length - json).slice();
    try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), body, offset, json)) {
      ParsedInference parsed = read(p, binary);
      if (binary != null && binary.hasRemaining()) {
        throw ServingException.badRequest(
            "the request has "
                + binary.remaining()
                + " bytes of binary data after its JSON header that no input's"
                + " parameters.binary_data_size accounts for");
      }
      return parsed;
    } catch (JacksonException e) {
      throw ServingException.badRequest("malformed JSON: " + e.getOriginalMessage());
    }
  }

  private static ParsedInference read(JsonParser p, ByteBuffer binary) {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw ServingException.badRequest("expected the request body to be a JSON object");
    }
    String id = "";
    List<Tensor> inputs = null;
    Map<String, Boolean> outputs = new LinkedHashMap<>();
    boolean binaryOutputs = false;
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "id" -> id = string(p, "id");
        case "inputs" -> inputs = inputs(p, binary);
        case "outputs" -> outputs = outputs(p);
        case "parameters" -> {
          expect(value == JsonToken.START_OBJECT, "expected 'parameters' to be an object");
          Boolean asked = parameters(p, "parameters").binaryData();
          binaryOutputs = asked != null && asked;
        }
        default -> p.skipChildren();
      }
    }
    if (p.nextToken() != null) {
      throw ServingException.badRequest("unexpected content after the request's JSON object");
    }
    if (inputs == null) {
      throw ServingException.badRequest("missing field 'inputs'");
    }
    Map<String, Boolean> binaryByOutput = new LinkedHashMap<>();
    outputs.forEach(
        (name, asked) -> {
          if (asked != null) {
            binaryByOutput.put(name, asked);
          }
        });
    return new ParsedInference(
        new InferenceRequest(id, inputs, List.copyOf(outputs.keySet())),
        binaryOutputs,
        binaryByOutput);
  }

  private static List<Tensor> inputs(JsonParser p, ByteBuffer binary) {
    expect(p.currentToken() == JsonToken.START_ARRAY, "expected 'inputs' to be an array");
    List<Tensor> inputs = new ArrayList<>();
    while (p.nextToken() == JsonToken.START_OBJECT) {
      inputs.add(input(p, inputs.size(), binary));
    }
    expect(p.currentToken() == JsonToken.END_ARRAY, "expected 'inputs' to hold objects");
    if (inputs.isEmpty()) {
      throw ServingException.badRequest("expected 'inputs' to hold at least one input");
    }
    return inputs;
  }

  private static Tensor input(JsonParser p, int index, ByteBuffer binary) {
    String name = null;
    long[] shape = null;
    DataType datatype = null;
    JsonValues data = null;
    Long binarySize = null;
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      String field = p.currentName();
      p.nextToken();
      String where = "inputs[" + index + "]." + field;
      switch (field) {
        case "name" -> name = string(p, where);
        case "shape" -> shape = shape(p, where);
        case "datatype" -> datatype = DataType.parse(string(p, where), where);
        case "data" -> {
          data = new JsonValues(name == null ? "inputs[" + index + "]" : name, datatype);
          data.read(p);
        }
        case "parameters" -> {
          expect(
              p.currentToken() == JsonToken.START_OBJECT,
              "expected '" + where + "' to be an object");
          binarySize = parameters(p, where).binaryDataSize();
        }
        default -> p.skipChildren();
      }
    }
    String label = "inputs[" + index + "]";
    if (name == null || name.isEmpty()) {
      throw ServingException.badRequest("missing field '" + label + ".name'");
    }
    if (shape == null) {
      throw ServingException.badRequest(
          "missing field '" + label + ".shape' of input '" + name + "'");
    }
    if (datatype == null) {
      throw ServingException.badRequest(
          "missing field '" + label + ".datatype' of input '" + name + "'");
    }
    int count = (int) Tensor.elementCount(shape, name);
    if (binarySize != null) {
      return new Tensor(
          name,
          datatype,
          shape,
          binaryData(name, label, datatype, count, binarySize, data, binary));
    }
    if (data == null) {
      throw ServingException.badRequest(
          "missing field '" + label + ".data' of input '" + name + "'");
    }
    return new Tensor(name, datatype, shape, data.toArray(datatype));
  }

  /** The next {@code size} bytes of the binary section, as the input's values. */
  private static Object binaryData(
      String name,
      String label,
      DataType datatype,
      int count,
      long size,
      JsonValues data,
      ByteBuffer binary) {
    String where = label + ".parameters.binary_data_size";
    if (data != null) {
      throw ServingException.badRequest(
          "input '" + name + "' has both '" + label + ".data' and '" + where + "'; send one");
    }
    if (binary == null) {
      throw ServingException.badRequest(
          "input '"
              + name
              + "' has '"
              + where
              + "', but the request has no Inference-Header-Content-Length header to say where"
              + " its binary data starts");
    }
    if (size < 0 || size > binary.remaining()) {
      throw ServingException.badRequest(
          "expected '"
              + where
              + "' of input '"
              + name
              + "' to be at most the "
              + binary.remaining()
              + " bytes of binary data left, but was "
              + size);
    }
    ByteBuffer bytes = binary.slice().limit((int) size);
    binary.position(binary.position() + (int) size);
    return RawTensors.decode(name, datatype, count, bytes, where);
  }

  /** The parameters this server reads of an input, an output or the request. */
  private record Parameters(Long binaryDataSize, Boolean binaryData) {}

  /** Reads a {@code parameters} object: {@code binary_data_size}, {@code binary_data(_output)}. */
  private static Parameters parameters(JsonParser p, String where) {
    Long size = null;
    Boolean binary = null;
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "binary_data_size" -> {
          expect(
              value == JsonToken.VALUE_NUMBER_INT,
              "expected '" + where + ".binary_data_size' to be an integer");
          size = p.getLongValue();
        }
        case "binary_data", "binary_data_output" -> {
          expect(
              value == JsonToken.VALUE_TRUE || value == JsonToken.VALUE_FALSE,
              "expected '" + where + "." + field + "' to be true or false");
          binary = value == JsonToken.VALUE_TRUE;
        }
        default -> p.skipChildren();
      }
    }
    return new Parameters(size, binary);
  }

  private static long[] shape(JsonParser p, String where) {
    expect(p.currentToken() == JsonToken.START_ARRAY, "expected '" + where + "' to be an array");
    long[] shape = new long[4];
    int size = 0;
    JsonToken token;
    while ((token = p.nextToken()) == JsonToken.VALUE_NUMBER_INT) {
      if (size == shape.length) {
        shape = java.util.Arrays.copyOf(shape, size * 2);
      }
      shape[size++] = p.getLongValue();
    }
    expect(token == JsonToken.END_ARRAY, "expected '" + where + "' to hold integers");
    return java.util.Arrays.copyOf(shape, size);
  }

  /** The outputs asked for, each with whether it goes back as binary data (null: the default). */
  private static Map<String, Boolean> outputs(JsonParser p) {
    expect(p.currentToken() == JsonToken.START_ARRAY, "expected 'outputs' to be an array");
    Map<String, Boolean> outputs = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.START_OBJECT) {
      String where = "outputs[" + outputs.size() + "]";
      String name = null;
      Boolean binary = null;
      while (p.nextToken() == JsonToken.PROPERTY_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "name" -> name = string(p, where + ".name");
          case "parameters" -> {
            expect(
                value == JsonToken.START_OBJECT,
                "expected '" + where + ".parameters' to be an object");
            binary = parameters(p, where + ".parameters").binaryData();
          }
          default -> p.skipChildren();
        }
      }
      if (name == null) {
        throw ServingException.badRequest("missing field '" + where + ".name'");
      }
      outputs.put(name, binary);
    }
    expect(p.currentToken() == JsonToken.END_ARRAY, "expected 'outputs' to hold objects");
    return outputs;
  }

  private static String string(JsonParser p, String where) {
    expect(p.currentToken() == JsonToken.VALUE_STRING, "expected '" + where + "' to be a string");
    return p.getString();
  }

  private static void expect(boolean condition, String message) {
    if (!condition) {
      throw ServingException.badRequest(message);
    }
  }

  /**
   * Writes the v2 inference response's JSON; an output {@code binary} picks goes without {@code
   * data}, with {@code parameters.binary_data_size} instead, for the caller to append its raw bytes
   * after the JSON ({@link RawTensors#encode}).
   */
  static void write(
      OutputStream out,
      String model,
      long version,
      String id,
      InferenceResult result,
      Predicate<String> binary) {
    try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
      g.writeStartObject();
      g.writeStringProperty("model_name", model);
      g.writeStringProperty("model_version", Long.toString(version));
      if (!id.isEmpty()) {
        g.writeStringProperty("id", id);
      }
      g.writeArrayPropertyStart("outputs");
      for (Tensor output : result.outputs()) {
        g.writeStartObject();
        g.writeStringProperty("name", output.name());
        g.writeStringProperty("datatype", output.datatype().name());
        long[] shape = output.shape();
        g.writeName("shape");
        g.writeArray(shape, 0, shape.length);
        if (binary.test(output.name())) {
          g.writeObjectPropertyStart("parameters");
          g.writeNumberProperty(
              "binary_data_size", (long) output.elementCount() * output.datatype().byteSize());
          g.writeEndObject();
        } else {
          g.writeName("data");
          writeData(g, output);
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
  }

  private static void writeData(JsonGenerator g, Tensor tensor) {
    Object data = tensor.data();
    switch (tensor.datatype()) {
      case FP32 -> {
        float[] values = (float[]) data;
        g.writeStartArray();
        for (float value : values) {
          g.writeNumber(value);
        }
        g.writeEndArray();
      }
      case FP64 -> g.writeArray((double[]) data, 0, ((double[]) data).length);
      case INT64 -> g.writeArray((long[]) data, 0, ((long[]) data).length);
      case INT32 -> g.writeArray((int[]) data, 0, ((int[]) data).length);
      case INT16 -> {
        g.writeStartArray();
        for (short value : (short[]) data) {
          g.writeNumber(value);
        }
        g.writeEndArray();
      }
      case INT8, UINT8, BOOL -> {
        g.writeStartArray();
        for (byte value : (byte[]) data) {
          switch (tensor.datatype()) {
            case BOOL -> g.writeBoolean(value != 0);
            case UINT8 -> g.writeNumber(value & 0xff);
            default -> g.writeNumber(value);
          }
        }
        g.writeEndArray();
      }
    }
  }
}
