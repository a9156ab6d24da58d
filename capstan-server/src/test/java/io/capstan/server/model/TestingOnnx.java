package io.capstan.server.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Real ONNX files for tests, exported by PyTorch ({@code /usr/bin/python3}, Debian's python3-torch)
 * from a tiny {@code Linear(4, 2)} with a dynamic batch dimension; made once per JVM.
 */
public final class TestingOnnx {
  private static Path linear;

  private TestingOnnx() {}

  /** {@code input: float[?, 4] -> output: float[?, 2]}. */
  public static synchronized Path linear() {
    if (linear == null) {
      linear = export();
    }
    return linear;
  }

  private static Path export() {
    try {
      Path dir = Files.createTempDirectory("capstan-onnx");
      Path file = dir.resolve("linear.onnx");
      String script =
          """
          import sys, torch
          torch.manual_seed(0)
          model = torch.nn.Linear(4, 2)
          torch.onnx.export(model, torch.zeros(1, 4), sys.argv[1], opset_version=17,
                            input_names=["input"], output_names=["output"],
                            dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
          """;
      Process process =
          new ProcessBuilder("/usr/bin/python3", "-c", script, file.toString())
              .redirectErrorStream(true)
              .start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("torch.onnx.export failed: " + output);
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
