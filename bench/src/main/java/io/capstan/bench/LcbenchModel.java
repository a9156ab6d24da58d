package io.capstan.bench;

import io.capstan.scheduler.trace.PhillyTrace;
import io.capstan.serving.model.DataType;
import io.capstan.serving.model.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The serving benchmarks' mid-size model: the YAHPO lcbench surrogate (2 MB) from the shared data
 * directory, with inputs {@code x_cat} INT32 [-1, 1] and {@code x_cont} FP32 [-1, 8].
 */
final class LcbenchModel {
  private LcbenchModel() {}

  /** The model file, or null when the data directory or the file is absent. */
  static Path find() {
    try {
      Path data = PhillyTrace.findDataDirectory(Path.of(""), System.getProperty("capstan.data"));
      Path model = data.resolve("hpo/yahpo/lcbench/model.onnx");
      return Files.exists(model) ? model : null;
    } catch (IllegalStateException e) {
      return null;
    }
  }

  /** One configuration to score. */
  static ServingPayload payload() {
    float[] cont = {0.5f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f};
    return new ServingPayload(
        "lcbench",
        List.of(
            new Tensor("x_cat", DataType.INT32, new long[] {1, 1}, new int[] {1}),
            new Tensor("x_cont", DataType.FP32, new long[] {1, 8}, cont)),
        List.of("output"));
  }
}
