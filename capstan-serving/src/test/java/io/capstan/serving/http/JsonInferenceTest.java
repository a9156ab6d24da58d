package io.capstan.serving.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.serving.ServingException;
import io.capstan.serving.model.DataType;
import io.capstan.serving.model.InferenceRequest;
import io.capstan.serving.model.InferenceResult;
import io.capstan.serving.model.Tensor;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonInferenceTest {
  private static InferenceRequest read(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    return JsonInference.read(bytes, 0, bytes.length);
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
                new Tensor("b", DataType.BOOL, new long[] {1}, new byte[] {1}))));
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"model_name\":\"m\",\"model_version\":\"3\",\"id\":\"id-1\",\"outputs\":["
                + "{\"name\":\"y\",\"datatype\":\"FP32\",\"shape\":[2,1],\"data\":[0.5,-1.0]},"
                + "{\"name\":\"b\",\"datatype\":\"BOOL\",\"shape\":[1],\"data\":[true]}]}");
  }

  private static void assertBad(Runnable call, String message) {
    assertThatThrownBy(call::run)
        .isInstanceOf(ServingException.class)
        .hasMessageContaining(message);
  }
}
