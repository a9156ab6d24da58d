package io.capstan.serving.http;

import io.capstan.serving.ServingException;
import io.capstan.serving.model.DataType;
import io.capstan.serving.model.InferenceRequest;
import io.capstan.serving.model.InferenceResult;
import io.capstan.serving.model.Tensor;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
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
   */
  static InferenceRequest read(byte[] body, int offset, int length) {
    try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), body, offset, length)) {
      return read(p);
    } catch (JacksonException e) {
      throw ServingException.badRequest("malformed JSON: " + e.getOriginalMessage());
    }
  }

  private static InferenceRequest read(JsonParser p) {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw ServingException.badRequest("expected the request body to be a JSON object");
    }
    String id = "";
    List<Tensor> inputs = null;
    List<String> outputs = List.of();
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "id" -> id = string(p, "id");
        case "inputs" -> inputs = inputs(p);
        case "outputs" -> outputs = outputs(p);
        case "parameters" -> {
          expect(value == JsonToken.START_OBJECT, "expected 'parameters' to be an object");
          p.skipChildren();
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
    return new InferenceRequest(id, inputs, outputs);
  }

  private static List<Tensor> inputs(JsonParser p) {
    expect(p.currentToken() == JsonToken.START_ARRAY, "expected 'inputs' to be an array");
    List<Tensor> inputs = new ArrayList<>();
    while (p.nextToken() == JsonToken.START_OBJECT) {
      inputs.add(input(p, inputs.size()));
    }
    expect(p.currentToken() == JsonToken.END_ARRAY, "expected 'inputs' to hold objects");
    if (inputs.isEmpty()) {
      throw ServingException.badRequest("expected 'inputs' to hold at least one input");
    }
    return inputs;
  }

  private static Tensor input(JsonParser p, int index) {
    String name = null;
    long[] shape = null;
    DataType datatype = null;
    JsonValues data = null;
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
    if (data == null) {
      throw ServingException.badRequest(
          "missing field '" + label + ".data' of input '" + name + "'");
    }
    Tensor.elementCount(shape, name);
    return new Tensor(name, datatype, shape, data.toArray(datatype));
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

  private static List<String> outputs(JsonParser p) {
    expect(p.currentToken() == JsonToken.START_ARRAY, "expected 'outputs' to be an array");
    List<String> names = new ArrayList<>();
    while (p.nextToken() == JsonToken.START_OBJECT) {
      String name = null;
      while (p.nextToken() == JsonToken.PROPERTY_NAME) {
        String field = p.currentName();
        p.nextToken();
        if (field.equals("name")) {
          name = string(p, "outputs[" + names.size() + "].name");
        } else {
          p.skipChildren();
        }
      }
      if (name == null) {
        throw ServingException.badRequest("missing field 'outputs[" + names.size() + "].name'");
      }
      names.add(name);
    }
    expect(p.currentToken() == JsonToken.END_ARRAY, "expected 'outputs' to hold objects");
    return names;
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

  /** Writes the v2 inference response. */
  static void write(
      OutputStream out, String model, long version, String id, InferenceResult result) {
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
        g.writeName("data");
        writeData(g, output);
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
