package io.capstan.serving.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.serving.ServingException;
import io.capstan.serving.model.DataType;
import io.capstan.serving.model.InferenceRequest;
import io.capstan.serving.model.InferenceResult;
import io.capstan.serving.model.Tensor;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonInferenceTest {
  private static InferenceRequest read(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    return JsonInference.read(bytes, 0, bytes.length, -1).request();
  }

  /** A body of Triton's binary tensor data extension: the JSON, then {@code binary}. */
  private static ParsedInference readBinary(String json, byte[] binary) {
    byte[] header = json.getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[header.length + binary.length + 3];
    System.arraycopy(header, 0, body, 3, header.length);
    System.arraycopy(binary, 0, body, 3 + header.length, binary.length);
    return JsonInference.read(body, 3, header.length + binary.length, header.length);
  }

  private static byte[] littleEndianFloats(float... values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float value : values) {
      buffer.putFloat(value);
    }
    return buffer.array();
  }

  private static Tensor input(String datatype, String shape, String data) {
    return read("{\"inputs\":[{\"name\":\"t\",\"shape\":"
            + shape
            + ",\"datatype\":\""
            + datatype
            + "\",\"data\":"
            + data
            + "}]}")
        .inputs()
        .get(0);
  }

  @Test
  void readsEveryDatatypeFlatOrNested() {
    assertThat((float[]) input("FP32", "[2,2]", "[[1,2.5],[3,4]]").data())
        .containsExactly(1, 2.5f, 3, 4);
    assertThat((double[]) input("FP64", "[2]", "[1e300,-2]").data()).containsExactly(1e300, -2);
    assertThat((long[]) input("INT64", "[2]", "[9007199254740993,-1]").data())
        .containsExactly(9007199254740993L, -1);
    assertThat((int[]) input("INT32", "[1]", "[-7]").data()).containsExactly(-7);
    assertThat((short[]) input("INT16", "[1]", "[300]").data()).containsExactly((short) 300);
    assertThat((byte[]) input("INT8", "[1]", "[-128]").data()).containsExactly((byte) -128);
    assertThat((byte[]) input("UINT8", "[1]", "[255]").data()).containsExactly((byte) 255);
    assertThat((byte[]) input("BOOL", "[3]", "[true,false,true]").data()).containsExactly(1, 0, 1);
  }

  @Test
  void dataBeforeDatatypeIsReadToo() {
    InferenceRequest request =
        read(
            "{\"id\":\"q\",\"parameters\":{\"a\":1},\"inputs\":[{\"data\":[1,2],\"name\":\"t\","
                + "\"shape\":[2],\"datatype\":\"INT32\"}],\"outputs\":[{\"name\":\"o\"}]}");
    assertThat(request.id()).isEqualTo("q");
    assertThat((int[]) request.inputs().get(0).data()).containsExactly(1, 2);
    assertThat(request.requestedOutputs()).containsExactly("o");
  }

  @Test
  void valuesThatDoNotFitTheDatatypeAreBadRequests() {
    assertBad(() -> input("INT8", "[1]", "[200]"), "out of range for INT8");
    assertBad(() -> input("INT32", "[1]", "[1.5]"), "to hold integers for datatype INT32");
    assertBad(() -> input("BOOL", "[1]", "[1]"), "true/false");
    assertBad(() -> input("FP32", "[1]", "[true]"), "to hold numbers");
    assertBad(() -> input("BYTES", "[1]", "[\"a\"]"), "inputs[0].datatype");
    assertBad(() -> read("{\"inputs\":[{\"name\":\"t\",\"shape\":[1],\"data\":[1]}]}"), "datatype");
    assertBad(() -> read("{\"inputs\":[]}"), "at least one input");
    assertBad(
        () ->
            read(
                "{\"inputs\":[{\"name\":\"t\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]}]} x"),
        "malformed JSON");
  }

  @Test
  void writesTheV2Response() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonInference.write(
        out,
        "m",
        3,
        "id-1",
        new InferenceResult(
            List.of(
                new Tensor("y", DataType.FP32, new long[] {2, 1}, new float[] {0.5f, -1}),
                new Tensor("b", DataType.BOOL, new long[] {1}, new byte[] {1}))),
        name -> false);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"model_name\":\"m\",\"model_version\":\"3\",\"id\":\"id-1\",\"outputs\":["
                + "{\"name\":\"y\",\"datatype\":\"FP32\",\"shape\":[2,1],\"data\":[0.5,-1.0]},"
                + "{\"name\":\"b\",\"datatype\":\"BOOL\",\"shape\":[1],\"data\":[true]}]}");
  }

  @Test
  void readsBinaryInputsInOrderAfterTheJsonHeader() {
    byte[] binary = new byte[12 + 2];
    System.arraycopy(littleEndianFloats(1.5f, -2, 3), 0, binary, 0, 12);
    binary[12] = (byte) 200;
    binary[13] = 7;
    ParsedInference parsed =
        readBinary(
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP32\","
                + "\"parameters\":{\"binary_data_size\":12}},"
                + "{\"name\":\"j\",\"shape\":[1],\"datatype\":\"INT32\",\"data\":[5]},"
                + "{\"name\":\"u\",\"shape\":[2],\"datatype\":\"UINT8\","
                + "\"parameters\":{\"binary_data_size\":2}}],"
                + "\"parameters\":{\"binary_data_output\":true},"
                + "\"outputs\":[{\"name\":\"a\"},{\"name\":\"b\",\"parameters\":{\"binary_data\":false}}]}",
            binary);

    List<Tensor> inputs = parsed.request().inputs();
    assertThat((float[]) inputs.get(0).data()).containsExactly(1.5f, -2, 3);
    assertThat((int[]) inputs.get(1).data()).containsExactly(5);
    assertThat((byte[]) inputs.get(2).data()).containsExactly((byte) 200, (byte) 7);
    assertThat(parsed.binary("a")).isTrue();
    assertThat(parsed.binary("b")).isFalse();
    assertThat(parsed.binary("unnamed")).as("binary_data_output covers every output").isTrue();
  }

  @Test
  void binaryDataThatDoesNotAddUpIsABadRequest() {
    String oneFloat =
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\","
            + "\"parameters\":{\"binary_data_size\":4}}]}";
    assertThat(
            (float[]) readBinary(oneFloat, littleEndianFloats(2)).request().inputs().get(0).data())
        .containsExactly(2f);
    assertBad(() -> readBinary(oneFloat, new byte[3]), "to be at most the 3 bytes");
    assertBad(() -> readBinary(oneFloat, new byte[8]), "4 bytes of binary data after its JSON");
    assertBad(() -> read(oneFloat), "no Inference-Header-Content-Length header");
    assertBad(
        () ->
            readBinary(
                "{\"inputs\":[{\"name\":\"x\",\"shape\":[2],\"datatype\":\"FP32\","
                    + "\"parameters\":{\"binary_data_size\":4}}]}",
                new byte[4]),
        "inputs[0].parameters.binary_data_size of input 'x' has 4 bytes, but its shape and"
            + " datatype FP32 need 8");
    assertBad(
        () ->
            readBinary(
                "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\","
                    + "\"data\":[1],\"parameters\":{\"binary_data_size\":4}}]}",
                new byte[4]),
        "has both 'inputs[0].data' and 'inputs[0].parameters.binary_data_size'");
  }

  @Test
  void writesBinaryOutputsWithTheirSizeInsteadOfData() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonInference.write(
        out,
        "m",
        1,
        "",
        new InferenceResult(
            List.of(
                new Tensor("y", DataType.FP32, new long[] {2}, new float[] {0.5f, -1}),
                new Tensor("b", DataType.BOOL, new long[] {1}, new byte[] {1}))),
        name -> name.equals("y"));
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"model_name\":\"m\",\"model_version\":\"1\",\"outputs\":["
                + "{\"name\":\"y\",\"datatype\":\"FP32\",\"shape\":[2],"
                + "\"parameters\":{\"binary_data_size\":8}},"
                + "{\"name\":\"b\",\"datatype\":\"BOOL\",\"shape\":[1],\"data\":[true]}]}");
  }

  private static void assertBad(Runnable call, String message) {
    assertThatThrownBy(call::run)
        .isInstanceOf(ServingException.class)
        .hasMessageContaining(message);
  }
}
