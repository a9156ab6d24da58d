package io.capstan.serving.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.capstan.serving.ServerOptions;
import io.capstan.serving.TestingModels;
import io.capstan.serving.TestingServer;
import io.capstan.serving.model.ModelSpec;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** KServe v2 REST conformance: every endpoint and each error case, against the real server. */
class HttpProtocolIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static TestingServer server;

  @BeforeAll
  static void start() {
    server =
        new TestingServer(
            ServerOptions.of(
                    List.of(
                        new ModelSpec("mlp", 1, TestingModels.mlp()),
                        new ModelSpec("mlp", 2, TestingModels.mlp()),
                        new ModelSpec("fixed", 1, TestingModels.fixedBatch())))
                .withMaxRequestBytes(64 * 1024));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonNode json(HttpResponse<String> response) {
    return JSON.readTree(response.body());
  }

  @Test
  void healthLiveAndReady() {
    HttpResponse<String> live = server.get("/v2/health/live");
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(json(live).get("live").asBoolean()).isTrue();
    HttpResponse<String> ready = server.get("/v2/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(json(ready).get("ready").asBoolean()).isTrue();
  }

  @Test
  void serverMetadata() {
    HttpResponse<String> response = server.get("/v2");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    JsonNode body = json(response);
    assertThat(body.get("name").asString()).isEqualTo("capstan-model-server");
    assertThat(body.get("version").asString()).isNotEmpty();
    assertThat(body.get("extensions").toString()).contains("\"binary_tensor_data\"");
  }

  @Test
  void modelMetadataWithAndWithoutVersion() {
    for (String path : List.of("/v2/models/mlp", "/v2/models/mlp/versions/1")) {
      HttpResponse<String> response = server.get(path);
      assertThat(response.statusCode()).as(path).isEqualTo(200);
      JsonNode body = json(response);
      assertThat(body.get("name").asString()).isEqualTo("mlp");
      assertThat(body.get("versions").toString()).isEqualTo("[\"1\",\"2\"]");
      assertThat(body.get("platform").asString()).isEqualTo("onnxruntime_onnx");
      assertThat(body.get("inputs").toString())
          .isEqualTo("[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[-1,8]}]");
      assertThat(body.get("outputs").toString())
          .isEqualTo("[{\"name\":\"output\",\"datatype\":\"FP32\",\"shape\":[-1,1]}]");
    }
    assertThat(json(server.get("/v2/models/fixed")).get("inputs").toString())
        .isEqualTo("[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2,8]}]");
  }

  @Test
  void modelReadyWithAndWithoutVersion() {
    for (String path : List.of("/v2/models/mlp/ready", "/v2/models/mlp/versions/2/ready")) {
      HttpResponse<String> response = server.get(path);
      assertThat(response.statusCode()).as(path).isEqualTo(200);
      assertThat(json(response).get("ready").asBoolean()).isTrue();
    }
    assertThat(server.get("/v2/models/nope/ready").statusCode()).isEqualTo(404);
    assertThat(server.get("/v2/models/mlp/versions/9/ready").statusCode()).isEqualTo(404);
  }

  @Test
  void inferReturnsWhatPyTorchComputed() {
    TestingModels.Reference reference = TestingModels.reference();
    HttpResponse<String> response =
        server.post("/v2/models/mlp/infer", TestingServer.inferBody("r-1", reference.flatInput()));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode body = json(response);
    assertThat(body.get("model_name").asString()).isEqualTo("mlp");
    assertThat(body.get("model_version").asString()).isEqualTo("2"); // the highest version
    assertThat(body.get("id").asString()).isEqualTo("r-1");
    JsonNode output = body.get("outputs").get(0);
    assertThat(output.get("name").asString()).isEqualTo("output");
    assertThat(output.get("datatype").asString()).isEqualTo("FP32");
    assertThat(output.get("shape").toString()).isEqualTo("[" + reference.outputs().size() + ",1]");
    float[] expected = reference.flatOutput();
    for (int i = 0; i < expected.length; i++) {
      assertThat(output.get("data").get(i).floatValue()).isCloseTo(expected[i], within(1e-5f));
    }
  }

  /**
   * What tritonclient's HTTP client sends by default (binary tensor data extension): the JSON
   * header, the raw little-endian input after it, and binary outputs asked for.
   */
  @Test
  void aTritonClientsBinaryRequestGetsBinaryOutputsWithWhatPyTorchComputed() throws Exception {
    TestingModels.Reference reference = TestingModels.reference();
    TestingServer.BinaryBody body = TestingServer.BinaryBody.of(reference.flatInput());

    HttpResponse<byte[]> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(server.uri("/v2/models/mlp/infer"))
                    .header("Content-Type", "application/octet-stream")
                    .header("Inference-Header-Content-Length", Integer.toString(body.jsonLength()))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.body()))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode())
        .as(new String(response.body(), StandardCharsets.UTF_8))
        .isEqualTo(200);
    assertThat(new String(response.body(), StandardCharsets.UTF_8))
        .contains("\"shape\":[" + reference.outputs().size() + ",1]");
    float[] values = TestingServer.BinaryBody.output(response);
    float[] expected = reference.flatOutput();
    assertThat(values).hasSize(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat(values[i]).isCloseTo(expected[i], within(1e-5f));
    }
  }

  @Test
  void binaryInputsThatDoNotMatchTheShapeAreABadRequestNamingTheField() throws Exception {
    byte[] header =
        "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,8],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":16}}]}"
            .getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[header.length + 16];
    System.arraycopy(header, 0, body, 0, header.length);

    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(server.uri("/v2/models/mlp/infer"))
                    .header("Inference-Header-Content-Length", Integer.toString(header.length))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("error").asString())
        .contains("inputs[0].parameters.binary_data_size", "has 16 bytes", "need 32");
  }

  @Test
  void tritonsConfigurationAndStatisticsExtensionsDescribeTheModel() {
    JsonNode config = json(server.get("/v2/models/mlp/versions/1/config"));
    assertThat(config.get("platform").asString()).isEqualTo("onnxruntime_onnx");
    assertThat(config.get("max_batch_size").asInt()).isPositive();
    assertThat(config.get("input").toString())
        .isEqualTo("[{\"name\":\"input\",\"data_type\":\"TYPE_FP32\",\"dims\":[8]}]");
    assertThat(config.get("output").toString())
        .isEqualTo("[{\"name\":\"output\",\"data_type\":\"TYPE_FP32\",\"dims\":[1]}]");
    JsonNode fixed = json(server.get("/v2/models/fixed/config"));
    assertThat(fixed.get("max_batch_size").asInt()).as("a fixed batch cannot grow").isZero();
    assertThat(fixed.get("input").get(0).get("dims").toString()).isEqualTo("[2,8]");

    long before =
        stats("/v2/models/mlp/versions/1/stats")
            .get("inference_stats")
            .get("success")
            .get("count")
            .asLong();
    TestingModels.Reference reference = TestingModels.reference();
    assertThat(
            server
                .post(
                    "/v2/models/mlp/versions/1/infer",
                    TestingServer.inferBody("s", reference.flatInput()))
                .statusCode())
        .isEqualTo(200);
    JsonNode after = stats("/v2/models/mlp/versions/1/stats");

    assertThat(after.get("name").asString()).isEqualTo("mlp");
    assertThat(after.get("version").asString()).isEqualTo("1");
    assertThat(after.get("inference_stats").get("success").get("count").asLong())
        .isEqualTo(before + 1);
    assertThat(after.get("inference_stats").get("success").get("ns").asLong()).isPositive();
    assertThat(after.get("inference_count").asLong())
        .isGreaterThanOrEqualTo(reference.outputs().size());
    assertThat(after.get("execution_count").asLong()).isPositive();
    assertThat(after.get("last_inference").asLong()).isPositive();
    assertThat(json(server.get("/v2/models/stats")).get("model_stats")).hasSize(3);
    assertThat(server.get("/v2/models/nope/stats").statusCode()).isEqualTo(404);
  }

  private static JsonNode stats(String path) {
    HttpResponse<String> response = server.get(path);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response).get("model_stats").get(0);
  }

  @Test
  void inferOnAGivenVersionWithNestedDataAndRequestedOutput() {
    TestingModels.Reference reference = TestingModels.reference();
    StringBuilder rows = new StringBuilder();
    for (float[] row : reference.inputs()) {
      rows.append(rows.length() == 0 ? "[" : ",[");
      for (int i = 0; i < row.length; i++) {
        rows.append(i == 0 ? "" : ",").append(row[i]);
      }
      rows.append(']');
    }
    String body =
        "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":["
            + reference.inputs().size()
            + ",8],\"data\":["
            + rows
            + "]}],\"outputs\":[{\"name\":\"output\"}]}";
    HttpResponse<String> response = server.post("/v2/models/mlp/versions/1/infer", body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode answer = json(response);
    assertThat(answer.get("model_version").asString()).isEqualTo("1");
    assertThat(answer.has("id")).isFalse();
    assertThat(answer.get("outputs").get(0).get("data").get(0).floatValue())
        .isCloseTo(reference.outputs().get(0)[0], within(1e-5f));
  }

  @Test
  void unknownModelOrVersionIs404WithErrorBody() {
    String body = TestingServer.inferBody("x", new float[8]);
    assertError(server.post("/v2/models/nope/infer", body), 404, "unknown model 'nope'");
    assertError(server.post("/v2/models/mlp/versions/7/infer", body), 404, "unknown version '7'");
    assertError(server.get("/v2/models/nope"), 404, "unknown model");
    assertError(server.get("/v2/models/mlp/versions/abc"), 404, "unknown version 'abc'");
    assertError(server.get("/v2/elsewhere"), 404, "no such path");
  }

  @Test
  void wrongShapeDatatypeOrMissingInputIs400() {
    assertError(
        server.post(
            "/v2/models/mlp/infer",
            "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\","
                + "\"data\":[1,2,3,4]}]}"),
        400,
        "expected input 'input' to have shape [-1, 8]");
    assertError(
        server.post(
            "/v2/models/mlp/infer",
            "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,8],\"datatype\":\"INT64\","
                + "\"data\":[1,2,3,4,5,6,7,8]}]}"),
        400,
        "to have datatype FP32, but was INT64");
    assertError(
        server.post(
            "/v2/models/mlp/infer",
            "{\"inputs\":[{\"name\":\"other\",\"shape\":[1,8],\"datatype\":\"FP32\","
                + "\"data\":[1,2,3,4,5,6,7,8]}]}"),
        400,
        "missing input 'input'");
    assertError(
        server.post(
            "/v2/models/mlp/infer",
            "{\"inputs\":[{\"name\":\"input\",\"shape\":[2,8],\"datatype\":\"FP32\","
                + "\"data\":[1,2,3]}]}"),
        400,
        "has 3 values, but its shape [2, 8] needs 16");
    assertError(
        server.post(
            "/v2/models/mlp/infer",
            "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,8],\"datatype\":\"FP16\","
                + "\"data\":[1,2,3,4,5,6,7,8]}]}"),
        400,
        "expected input 'input' to have datatype FP32, but was FP16");
    assertError(
        server.post(
            "/v2/models/mlp/infer",
            "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,8],\"datatype\":\"UINT32\","
                + "\"data\":[1,2,3,4,5,6,7,8]}]}"),
        400,
        "inputs[0].datatype");
    assertError(
        server.post(
            "/v2/models/mlp/infer",
            TestingServer.inferBody("x", new float[8])
                .replace("]}]}", "]}],\"outputs\":[{\"name\":\"zz\"}]}")),
        400,
        "unknown output 'zz'");
    assertError(server.post("/v2/models/mlp/infer", "{}"), 400, "missing field 'inputs'");
  }

  @Test
  void malformedJsonIs400() {
    assertError(server.post("/v2/models/mlp/infer", "{\"inputs\": [ {"), 400, "malformed JSON");
    assertError(server.post("/v2/models/mlp/infer", "[1,2]"), 400, "JSON object");
    assertError(
        server.post(
            "/v2/models/mlp/infer",
            "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,8],\"datatype\":\"FP32\","
                + "\"data\":[\"a\",2,3,4,5,6,7,8]}]}"),
        400,
        "a string");
  }

  @Test
  void oversizedPayloadIs413AndTheServerKeepsServing() {
    float[] big = new float[8 * 4000]; // about 128 KB of JSON, over the 64 KiB limit
    assertError(
        server.post("/v2/models/mlp/infer", TestingServer.inferBody("big", big)),
        413,
        "larger than the limit of 65536 bytes");
    HttpResponse<String> after =
        server.post(
            "/v2/models/mlp/infer",
            TestingServer.inferBody("after", TestingModels.reference().flatInput()));
    assertThat(after.statusCode()).isEqualTo(200);
  }

  @Test
  void wrongMethodIs405() {
    assertError(
        server.send(HttpRequest.newBuilder(server.uri("/v2/models/mlp/infer")).GET().build()),
        405,
        "expected POST");
    assertError(
        server.send(
            HttpRequest.newBuilder(server.uri("/v2/health/live"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build()),
        405,
        "expected GET");
  }

  @Test
  void metricsArePrometheusTextLabelledByModelAndVersion() {
    server.post(
        "/v2/models/mlp/versions/1/infer",
        TestingServer.inferBody("m", TestingModels.reference().flatInput()));
    server.post("/v2/models/mlp/infer", "{");
    HttpResponse<String> metrics = server.get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains(
            "capstan_serving_requests_total{model=\"mlp\",outcome=\"ok\",protocol=\"http\",version=\"1\"}")
        .contains("outcome=\"bad_request\"")
        .contains("capstan_serving_request_duration_seconds_bucket{model=\"mlp\"")
        .contains("capstan_serving_queue_duration_seconds_count{model=\"mlp\",version=\"1\"}")
        .contains("capstan_serving_batch_size_count{model=\"mlp\",version=\"1\"}");
  }

  private static void assertError(HttpResponse<String> response, int status, String message) {
    assertThat(response.statusCode()).as(abbreviated(response.body())).isEqualTo(status);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(json(response).get("error").asString()).contains(message);
  }

  private static String abbreviated(String body) {
    return body.length() > 300 ? body.substring(0, 300) + "..." : body;
  }
}
