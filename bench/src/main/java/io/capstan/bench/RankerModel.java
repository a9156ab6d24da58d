package io.capstan.bench;

import io.capstan.serving.model.DataType;
import io.capstan.serving.model.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The serving benchmark's production-size model: a ranking tower of 8.9 million parameters (36 MB,
 * more than the L3 cache), exported by {@code bench/python/export_ranker.py}, and its one-row
 * request of 256 features. One row costs a pass over all the weights; a batch reuses each weight
 * for every row, which is where dynamic batching earns its keep on a CPU.
 */
final class RankerModel {
  static final int FEATURES = 256;

  private RankerModel() {}

  /** Exports the model with Debian's PyTorch into {@code work}; returns the ONNX file. */
  static Path export(Path home, Path work) throws Exception {
    Path model = work.resolve("ranker.onnx");
    Process export =
        new ProcessBuilder(
                "/usr/bin/python3",
                home.resolve("bench/python/export_ranker.py").toString(),
                model.toString())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("export_ranker.log").toFile())
            .start();
    if (!export.waitFor(120, TimeUnit.SECONDS) || export.exitValue() != 0) {
      throw new IllegalStateException(
          "export_ranker.py failed; see " + work.resolve("export_ranker.log"));
    }
    return model;
  }

  /** One row of features for model {@code ranker}. */
  static ServingPayload payload() {
    float[] row = new float[FEATURES];
    for (int i = 0; i < row.length; i++) {
      row[i] = ((i * 37) % 101) / 101f - 0.5f;
    }
    return new ServingPayload(
        "ranker",
        List.of(new Tensor("features", DataType.FP32, new long[] {1, FEATURES}, row)),
        List.of("score"));
  }
}
