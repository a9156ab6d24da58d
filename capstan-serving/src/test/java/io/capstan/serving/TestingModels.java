package io.capstan.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Real models for tests, made once per test JVM: the tiny MLP that {@code
 * examples/pytorch-ddp/train.py --epochs 1} trains and exports (with its reference.json), and a
 * linear model exported with a fixed first dimension (not batchable).
 */
public final class TestingModels {
  private static Path dir;
  private static Reference reference;
  private static Path graphs;

  private TestingModels() {}

  /** The reference rows and PyTorch's outputs for them, from reference.json. */
  public record Reference(List<float[]> inputs, List<float[]> outputs) {
    public float[] flatInput() {
      return flat(inputs);
    }

    public float[] flatOutput() {
      return flat(outputs);
    }

    private static float[] flat(List<float[]> rows) {
      float[] flat = new float[rows.size() * rows.get(0).length];
      for (int i = 0; i < rows.size(); i++) {
        System.arraycopy(rows.get(i), 0, flat, i * rows.get(i).length, rows.get(i).length);
      }
      return flat;
    }
  }

  /** The MLP from train.py: input "input" FP32 [-1, 8], output "output" FP32 [-1, 1]. */
  public static synchronized Path mlp() {
    ensureTrained();
    return dir.resolve("train/output/model.onnx");
  }

  public static synchronized Reference reference() {
    ensureTrained();
    return reference;
  }

  /** A linear model whose input is fixed at [2, 8]: it cannot be batched. */
  public static synchronized Path fixedBatch() {
    ensureTrained();
    Path path = dir.resolve("fixed.onnx");
    if (!Files.exists(path)) {
      python(
          dir,
          "import torch\n"
              + "torch.manual_seed(1)\n"
              + "m = torch.nn.Linear(8, 1).eval()\n"
              + "torch.onnx.export(m, torch.zeros(2, 8), 'fixed.onnx', opset_version=17,\n"
              + "    input_names=['x'], output_names=['y'])\n");
    }
    return path;
  }

  /**
   * One Identity per datatype the server serves besides FP32 and the integers of the MLP: input
   * {@code x_<type>} (a vector of any length) comes back as output {@code y_<type>}, for FP16,
   * BF16, BYTES (an ONNX string), UINT8, INT8, INT16, BOOL and FP64. Built with the onnx package.
   */
  public static synchronized Path identities() {
    return graph(
        "identities.onnx",
        "types = {'fp16': TensorProto.FLOAT16, 'bf16': TensorProto.BFLOAT16,"
            + " 'bytes': TensorProto.STRING, 'uint8': TensorProto.UINT8, 'int8': TensorProto.INT8,"
            + " 'int16': TensorProto.INT16, 'bool': TensorProto.BOOL, 'fp64': TensorProto.DOUBLE}\n");
  }

  /** An Identity of a UINT32 vector: ONNX Runtime's Java API cannot pass such tensors. */
  public static synchronized Path unsigned() {
    return graph("unsigned.onnx", "types = {'uint32': TensorProto.UINT32}\n");
  }

  private static Path graph(String file, String types) {
    try {
      if (graphs == null) {
        graphs = Files.createTempDirectory("capstan-test-graphs");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path root = graphs;
    Path path = root.resolve(file);
    if (!Files.exists(path)) {
      python(
          root,
          "from onnx import TensorProto, helper, save\n"
              + types
              + "nodes, inputs, outputs = [], [], []\n"
              + "for name, t in types.items():\n"
              + "    inputs.append(helper.make_tensor_value_info('x_' + name, t, ['n']))\n"
              + "    outputs.append(helper.make_tensor_value_info('y_' + name, t, ['n']))\n"
              + "    nodes.append(helper.make_node('Identity', ['x_' + name], ['y_' + name]))\n"
              + "graph = helper.make_graph(nodes, 'identities', inputs, outputs)\n"
              + "model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 17)])\n"
              + "model.ir_version = 8\n"
              + "save(model, '"
              + file
              + "')\n");
    }
    return path;
  }

  private static void ensureTrained() {
    if (dir != null) {
      return;
    }
    try {
      Path work = Files.createTempDirectory("capstan-serving-models");
      Path train = Files.createDirectories(work.resolve("train"));
      Path script = home().resolve("examples/pytorch-ddp/train.py");
      run(train, List.of("/usr/bin/python3", script.toString(), "--epochs", "1"));
      JsonNode json = JsonMapper.builder().build().readTree(train.resolve("output/reference.json"));
      assertThat(json.get("input_name").asString()).isEqualTo("input");
      reference = new Reference(rows(json.get("input")), rows(json.get("output")));
      dir = work;
    } catch (IOException e) {
      throw new IllegalStateException("could not make the test models", e);
    }
  }

  private static List<float[]> rows(JsonNode rows) {
    return rows.valueStream()
        .map(
            row -> {
              float[] values = new float[row.size()];
              for (int i = 0; i < values.length; i++) {
                values[i] = (float) row.get(i).asDouble();
              }
              return values;
            })
        .toList();
  }

  private static void python(Path dir, String code) {
    run(dir, List.of("/usr/bin/python3", "-c", code));
  }

  private static void run(Path dir, List<String> command) {
    try {
      Path log = Files.createTempFile("capstan-serving-python", ".log");
      Process process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(command + " did not finish in 120 s");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            command + " exited " + process.exitValue() + ":\n" + Files.readString(log));
      }
    } catch (IOException e) {
      throw new IllegalStateException("could not run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The repository root: -Dcapstan.home, or found upward from the working directory. */
  public static Path home() {
    String configured = System.getProperty("capstan.home");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("examples/pytorch-ddp/train.py"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("cannot find the repository root (examples/pytorch-ddp)");
    }
    return dir;
  }
}
