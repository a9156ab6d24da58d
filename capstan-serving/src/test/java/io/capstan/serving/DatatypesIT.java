package io.capstan.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.platform.Fp16Conversions;
import com.google.protobuf.ByteString;
import io.capstan.serving.grpc.v2.InferTensorContents;
import io.capstan.serving.grpc.v2.ModelInferRequest;
import io.capstan.serving.grpc.v2.ModelInferResponse;
import io.capstan.serving.grpc.v2.ModelMetadataRequest;
import io.capstan.serving.model.ModelSpec;
import io.capstan.serving.model.OnnxModel;
import io.capstan.serving.model.SessionSettings;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every datatype the server serves goes in and comes back unchanged through an ONNX Identity, over
 * HTTP as JSON, over HTTP as Triton's binary data and over gRPC as raw contents; a type it cannot
 * serve is refused when the model is loaded.
 */
class DatatypesIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** JSON data of each input: the Identity must give each back as it was. */
  private static final Map<String, String> DATA = new LinkedHashMap<>();

  static {
    DATA.put("fp16", "[1.5,-2.25,65504.0]");
    DATA.put("bf16", "[1.5,-2.0,256.0]");
    DATA.put("bytes", "[\"héllo\",\"\",\"naïve ✓\"]");
    DATA.put("uint8", "[0,200,255]");
    DATA.put("int8", "[-128,0,127]");
    DATA.put("int16", "[-300,0,300]");
    DATA.put("bool", "[true,false,true]");
    DATA.put("fp64", "[1.0E300,-0.5,3.0]");
  }

  private static TestingServer server;

  @BeforeAll
  static void start() {
    server =
        new TestingServer(
            ServerOptions.of(List.of(new ModelSpec("types", 1, TestingModels.identities()))));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void metadataNamesEachDatatypeAsTheProtocolDoes() {
    JsonNode metadata = JSON.readTree(server.get("/v2/models/types").body());
    Map<String, String> types = new LinkedHashMap<>();
    metadata
        .get("inputs")
        .forEach(i -> types.put(i.get("name").asString(), i.get("datatype").asString()));
    assertThat(types)
        .containsEntry("x_fp16", "FP16")
        .containsEntry("x_bf16", "BF16")
        .containsEntry("x_bytes", "BYTES")
        .containsEntry("x_uint8", "UINT8")
        .containsEntry("x_fp64", "FP64");
  }

  @Test
  void everyDatatypeRoundTripsAsJsonOverHttp() {
    HttpResponse<String> response = server.post("/v2/models/types/infer", jsonBody(Map.of()));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode outputs = JSON.readTree(response.body()).get("outputs");
    for (JsonNode output : outputs) {
      String type = output.get("name").asString().substring(2);
      assertThat(output.get("data").toString()).as(type).isEqualTo(DATA.get(type));
      assertThat(output.get("datatype").asString()).isEqualTo(datatype(type));
    }
    assertThat(outputs).hasSize(DATA.size());
  }

  @Test
  void fp16AndBytesRoundTripAsTritonsBinaryData() throws Exception {
    byte[] fp16 = shorts(Fp16Conversions.floatToFp16(0.099975586f), (short) 0x7c00, (short) 0);
    byte[] bytes = strings("héllo", "", "naïve ✓");
    Map<String, Integer> binary = new LinkedHashMap<>();
    binary.put("fp16", fp16.length);
    binary.put("bytes", bytes.length);
    byte[] header =
        jsonBody(binary)
            .replace("]}", "],\"parameters\":{\"binary_data_output\":true}}")
            .getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(header);
    body.write(fp16);
    body.write(bytes);

    HttpResponse<byte[]> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(server.uri("/v2/models/types/infer"))
                    .header("Inference-Header-Content-Length", Integer.toString(header.length))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode())
        .as(new String(response.body(), StandardCharsets.UTF_8))
        .isEqualTo(200);
    int jsonLength =
        Integer.parseInt(
            response.headers().firstValue("inference-header-content-length").orElseThrow());
    JsonNode outputs =
        JSON.readTree(new String(response.body(), 0, jsonLength, StandardCharsets.UTF_8))
            .get("outputs");
    int offset = jsonLength;
    Map<String, byte[]> raw = new LinkedHashMap<>();
    for (JsonNode output : outputs) {
      int size = output.get("parameters").get("binary_data_size").asInt();
      byte[] part = new byte[size];
      System.arraycopy(response.body(), offset, part, 0, size);
      raw.put(output.get("name").asString(), part);
      offset += size;
    }
    assertThat(offset).isEqualTo(response.body().length);
    assertThat(raw.get("y_fp16")).isEqualTo(fp16);
    assertThat(raw.get("y_bytes")).isEqualTo(bytes);
    assertThat(raw.get("y_bool")).containsExactly(1, 0, 1);
  }

  @Test
  void fp16AndBytesRoundTripAsRawContentsOverGrpc() {
    ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName("types");
    for (String type : DATA.keySet()) {
      request.addInputsBuilder().setName("x_" + type).setDatatype(datatype(type)).addShape(3);
      request.addRawInputContents(ByteString.copyFrom(raw(type)));
    }

    ModelInferResponse response = server.grpc().modelInfer(request.build());

    assertThat(response.getRawOutputContentsCount()).isEqualTo(DATA.size());
    for (int i = 0; i < response.getOutputsCount(); i++) {
      String type = response.getOutputs(i).getName().substring(2);
      assertThat(response.getRawOutputContents(i).toByteArray()).as(type).isEqualTo(raw(type));
    }
  }

  @Test
  void fp16InTypedContentsIsRefusedNamingRawInputContents() {
    ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName("types");
    request
        .addInputsBuilder()
        .setName("x_fp16")
        .setDatatype("FP16")
        .addShape(1)
        .setContents(InferTensorContents.newBuilder().addFp32Contents(1));

    assertThatThrownBy(() -> server.grpc().modelInfer(request.build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT))
        .hasMessageContaining("raw_input_contents");
    assertThat(
            server
                .grpc()
                .modelMetadata(ModelMetadataRequest.newBuilder().setName("types").build())
                .getInputsList())
        .anySatisfy(input -> assertThat(input.getDatatype()).isEqualTo("BF16"));
  }

  @Test
  void valuesADatatypeCannotHoldAreBadRequestsNamingTheInput() throws Exception {
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("fp16", "[70000,0,0]");
    cases.put("bytes", "[1,2,3]");
    cases.put("int8", "[\"a\",\"b\",\"c\"]");
    for (Map.Entry<String, String> bad : cases.entrySet()) {
      String body = jsonBody(Map.of()).replace(DATA.get(bad.getKey()), bad.getValue());
      HttpResponse<String> response = server.post("/v2/models/types/infer", body);
      assertThat(response.statusCode()).as(bad.getKey()).isEqualTo(400);
      assertThat(JSON.readTree(response.body()).get("error").asString())
          .as(bad.getKey())
          .contains("x_" + bad.getKey());
    }

    byte[] notUtf8 = {1, 0, 0, 0, (byte) 0xff, 0, 0, 0, 0, 0, 0, 0, 0};
    byte[] header = jsonBody(Map.of("bytes", notUtf8.length)).getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[header.length + notUtf8.length];
    System.arraycopy(header, 0, body, 0, header.length);
    System.arraycopy(notUtf8, 0, body, header.length, notUtf8.length);
    HttpResponse<String> response =
        server.send(
            HttpRequest.newBuilder(server.uri("/v2/models/types/infer"))
                .header("Inference-Header-Content-Length", Integer.toString(header.length))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build());
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("element 0 of BYTES input 'x_bytes' is not UTF-8");
  }

  @Test
  void aModelWithUnsignedTensorsOnnxRuntimeCannotPassIsRefusedWhenLoaded() {
    assertThatThrownBy(() -> OnnxModel.load(TestingModels.unsigned(), new SessionSettings(1, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tensor 'x_uint32' has ONNX type UINT32")
        .hasMessageContaining("INT64 for UINT32");
  }

  /** A JSON body feeding every input; those in {@code binary} say their binary size instead. */
  private static String jsonBody(Map<String, Integer> binary) {
    StringBuilder body = new StringBuilder("{\"inputs\":[");
    for (String type : DATA.keySet()) {
      if (body.charAt(body.length() - 1) != '[') {
        body.append(',');
      }
      body.append("{\"name\":\"x_")
          .append(type)
          .append("\",\"shape\":[3],\"datatype\":\"")
          .append(datatype(type))
          .append('"');
      if (binary.containsKey(type)) {
        body.append(",\"parameters\":{\"binary_data_size\":").append(binary.get(type)).append('}');
      } else {
        body.append(",\"data\":").append(DATA.get(type));
      }
      body.append('}');
    }
    return body.append("]}").toString();
  }

  private static String datatype(String type) {
    return type.equals("bytes") ? "BYTES" : type.toUpperCase(java.util.Locale.ROOT);
  }

  /** The raw little-endian form of {@link #DATA}'s values of {@code type}. */
  private static byte[] raw(String type) {
    return switch (type) {
      case "fp16" ->
          shorts(
              Fp16Conversions.floatToFp16(1.5f),
              Fp16Conversions.floatToFp16(-2.25f),
              Fp16Conversions.floatToFp16(65504f));
      case "bf16" ->
          shorts(
              Fp16Conversions.floatToBf16(1.5f),
              Fp16Conversions.floatToBf16(-2f),
              Fp16Conversions.floatToBf16(256f));
      case "bytes" -> strings("héllo", "", "naïve ✓");
      case "uint8" -> new byte[] {0, (byte) 200, (byte) 255};
      case "int8" -> new byte[] {-128, 0, 127};
      case "int16" -> shorts((short) -300, (short) 0, (short) 300);
      case "bool" -> new byte[] {1, 0, 1};
      case "fp64" -> {
        ByteBuffer buffer = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putDouble(1e300).putDouble(-0.5).putDouble(3);
        yield buffer.array();
      }
      default -> throw new IllegalArgumentException(type);
    };
  }

  private static byte[] shorts(short... values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (short value : values) {
      buffer.putShort(value);
    }
    return buffer.array();
  }

  /** BYTES elements as the raw form has them: a 4-byte little-endian length, then the bytes. */
  private static byte[] strings(String... values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String value : values) {
      byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
      out.writeBytes(
          ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(utf8.length).array());
      out.writeBytes(utf8);
    }
    return out.toByteArray();
  }
}
