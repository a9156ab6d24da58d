package io.capstan.serving.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import io.capstan.serving.ServerOptions;
import io.capstan.serving.TestingModels;
import io.capstan.serving.TestingServer;
import io.capstan.serving.model.DataType;
import io.capstan.serving.model.ExecutionProvider;
import io.capstan.serving.model.ModelSpec;
import io.capstan.serving.model.OnnxModel;
import io.capstan.serving.model.SessionSettings;
import io.capstan.serving.model.Tensor;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Dynamic batching through the real server: concurrent HTTP requests are merged into larger ONNX
 * Runtime runs (the batch-size metric shows it), every caller gets its own rows back, and a model
 * with a fixed first dimension is never batched.
 */
class DynamicBatchingIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static TestingServer server;
  private static OnnxModel direct;

  @BeforeAll
  static void start() {
    server =
        new TestingServer(
            ServerOptions.of(
                    List.of(
                        new ModelSpec("mlp", 1, TestingModels.mlp()),
                        new ModelSpec("fixed", 1, TestingModels.fixedBatch())))
                .withBatching(new BatchingOptions(32, 5_000, List.of())));
    direct = OnnxModel.load(TestingModels.mlp(), new SessionSettings(1, 1));
  }

  @AfterAll
  static void stop() {
    server.close();
    direct.close();
  }

  @Test
  void concurrentRequestsAreMergedAndEachCallerGetsItsOwnRows() throws Exception {
    assertThat(server.log()).contains("loaded model mlp version 1").contains("dynamic batching");
    Random random = new Random(7);
    int callers = 32;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      for (int round = 0; round < 5; round++) {
        List<float[]> inputs = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
          float[] rows = new float[8 * (1 + i % 3)]; // 1 to 3 rows per caller
          for (int j = 0; j < rows.length; j++) {
            rows[j] = (float) random.nextGaussian();
          }
          inputs.add(rows);
        }
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
          float[] rows = inputs.get(i);
          String id = "c" + i;
          answers.add(
              CompletableFuture.supplyAsync(
                  () -> {
                    awaitQuietly(go);
                    return server.post("/v2/models/mlp/infer", TestingServer.inferBody(id, rows));
                  },
                  pool));
        }
        go.countDown();
        for (int i = 0; i < callers; i++) {
          HttpResponse<String> response = answers.get(i).get(60, TimeUnit.SECONDS);
          assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
          JsonNode body = JSON.readTree(response.body());
          assertThat(body.get("id").asString()).isEqualTo("c" + i);
          float[] expected = expected(inputs.get(i));
          JsonNode data = body.get("outputs").get(0).get("data");
          assertThat(data.size()).isEqualTo(expected.length);
          for (int j = 0; j < expected.length; j++) {
            assertThat(data.get(j).floatValue()).isCloseTo(expected[j], within(1e-5f));
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
    String metrics = server.get("/metrics").body();
    assertThat(metric(metrics, "capstan_serving_batch_size_max", "mlp"))
        .as(metrics)
        .isGreaterThan(3); // more rows than any single request holds
    assertThat(metric(metrics, "capstan_serving_batch_size_count", "mlp"))
        .isLessThan(5 * callers); // fewer runs than requests
  }

  @Test
  void theCpuProviderRunsWhereTheOnnxRuntimeBuildHasNoCuda() {
    // com.microsoft.onnxruntime:onnxruntime is the CPU build: CUDA is never offered, so never used.
    assertThat(OrtEnvironment.getAvailableProviders()).doesNotContain(OrtProvider.CUDA);
    assertThat(direct.provider()).isEqualTo(ExecutionProvider.CPU);
    assertThat(server.log()).contains("from " + TestingModels.mlp() + " on CPU");
  }

  @Test
  void aModelWithAFixedFirstDimensionIsNotBatched() throws Exception {
    assertThat(server.log()).contains("loaded model fixed version 1").contains("not batched");
    String body =
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[2,8],\"datatype\":\"FP32\",\"data\":["
            + "1,2,3,4,5,6,7,8,1,2,3,4,5,6,7,8]}]}";
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      answers.add(CompletableFuture.supplyAsync(() -> server.post("/v2/models/fixed/infer", body)));
    }
    for (CompletableFuture<HttpResponse<String>> answer : answers) {
      HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode output = JSON.readTree(response.body()).get("outputs").get(0);
      assertThat(output.get("shape").toString()).isEqualTo("[2,1]");
      assertThat(output.get("data").get(0).floatValue())
          .isEqualTo(output.get("data").get(1).floatValue());
    }
    String metrics = server.get("/metrics").body();
    assertThat(metric(metrics, "capstan_serving_batch_size_max", "fixed")).isEqualTo(2);
    assertThat(metric(metrics, "capstan_serving_batch_size_count", "fixed")).isEqualTo(16);
  }

  private static float[] expected(float[] rows) {
    Tensor in = new Tensor("input", DataType.FP32, new long[] {rows.length / 8, 8}, rows.clone());
    return (float[]) direct.run(List.of(in), List.of("output")).get(0).data();
  }

  private static double metric(String text, String name, String model) {
    Matcher m =
        Pattern.compile(
                "(?m)^" + name + "\\{model=\"" + model + "\",version=\"1\"\\} ([0-9.eE+-]+)$")
            .matcher(text);
    assertThat(m.find()).as(name + " for " + model + " in:\n" + text).isTrue();
    return Double.parseDouble(m.group(1));
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
