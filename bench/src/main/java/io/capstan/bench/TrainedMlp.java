package io.capstan.bench;

import io.capstan.serving.model.DataType;
import io.capstan.serving.model.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The tiny MLP of {@code examples/pytorch-ddp/train.py}, trained for one epoch in a work directory
 * ({@code output/model.onnx}, {@code checkpoints/checkpoint.pt}), and the one-row request the
 * serving benchmarks send it.
 */
final class TrainedMlp {
  private TrainedMlp() {}

  /** The repository root, found upward from the working directory. */
  static Path home() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("examples/pytorch-ddp/train.py"))) {
        return dir;
      }
    }
    throw new IllegalStateException("run from the repository (examples/pytorch-ddp not found)");
  }

  /** Trains with Debian's PyTorch in {@code work}; the model is {@code work/output/model.onnx}. */
  static void train(Path home, Path work) throws Exception {
    Process train =
        new ProcessBuilder(
                "/usr/bin/python3",
                home.resolve("examples/pytorch-ddp/train.py").toString(),
                "--epochs",
                "1")
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("train.log").toFile())
            .start();
    if (!train.waitFor(120, TimeUnit.SECONDS) || train.exitValue() != 0) {
      throw new IllegalStateException("train.py failed; see " + work.resolve("train.log"));
    }
  }

  /** One row of 8 features for model {@code mlp}. */
  static ServingPayload payload() {
    float[] row = {0.1f, -0.2f, 0.3f, -0.4f, 0.5f, -0.6f, 0.7f, -0.8f};
    return new ServingPayload(
        "mlp",
        List.of(new Tensor("input", DataType.FP32, new long[] {1, 8}, row)),
        List.of("output"));
  }
}
