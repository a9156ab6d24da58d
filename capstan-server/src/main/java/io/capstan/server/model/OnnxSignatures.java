package io.capstan.server.model;

import static java.util.Objects.requireNonNull;

import ai.onnxruntime.MapInfo;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.model.ModelSignature;
import io.capstan.api.model.TensorSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.regex.Pattern;

/**
 * Reads a model's signature by loading it with ONNX Runtime: a file ONNX Runtime cannot load is not
 * a model Capstan can serve, so it is refused at registration rather than at deployment.
 */
public final class OnnxSignatures {
  private static final String TYPE_PREFIX = "ONNX_TENSOR_ELEMENT_DATA_TYPE_";
  private static final Pattern ABSOLUTE_PATH = Pattern.compile("(?<![\\w.])(/[^/\\s:'\"]+){2,}");

  private final OrtEnvironment environment;

  public OnnxSignatures(OrtEnvironment environment) {
    this.environment = requireNonNull(environment, "environment is null");
  }

  /**
   * ONNX Runtime's environment, created on a thread with a large stack: ONNX Runtime 1.29 recurses
   * over the process's command line while it starts (about 170 bytes of stack per character), which
   * overflows the JVM's default 1 MiB main thread with a long class path or many options. The model
   * server does the same in {@code io.capstan.serving.model.OnnxEnvironment}.
   */
  public static OrtEnvironment environment() {
    FutureTask<OrtEnvironment> task = new FutureTask<>(OrtEnvironment::getEnvironment);
    new Thread(null, task, "onnxruntime-init", 512L << 20).start();
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting ONNX Runtime", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("ONNX Runtime did not start: " + e.getCause(), e.getCause());
    }
  }

  /**
   * Loads {@code file} and returns its inputs and outputs.
   *
   * @param field the input field the file came from, for the error
   * @param source what the file is to the user ({@code the upload of model 'churn'}): the error
   *     names it, never the file's path on the server
   * @throws CapstanException INVALID_ARGUMENT naming {@code field} when it is not a loadable model
   */
  public ModelSignature read(Path file, String field, String source) {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      // Only the graph's declared inputs and outputs are wanted: skip the optimizer.
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
      try (OrtSession session = environment.createSession(file.toString(), options)) {
        return new ModelSignature(
            tensors(session.getInputInfo()), tensors(session.getOutputInfo()));
      }
    } catch (OrtException e) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          field,
          "Expected "
              + field
              + " ("
              + source
              + ") to be an ONNX model, but ONNX Runtime cannot load it: "
              + withoutPaths(firstLine(e.getMessage()), file, source),
          e);
    }
  }

  private static List<TensorSpec> tensors(Map<String, NodeInfo> nodes) {
    List<TensorSpec> specs = new ArrayList<>(nodes.size());
    for (NodeInfo node : nodes.values()) {
      specs.add(tensor(node.getName(), node.getInfo()));
    }
    return specs;
  }

  private static TensorSpec tensor(String name, ValueInfo info) {
    if (info instanceof TensorInfo tensor) {
      return new TensorSpec(
          name, dtype(tensor.onnxType), Arrays.stream(tensor.getShape()).boxed().toList());
    }
    if (info instanceof SequenceInfo) {
      return new TensorSpec(name, "sequence", List.of());
    }
    if (info instanceof MapInfo) {
      return new TensorSpec(name, "map", List.of());
    }
    return new TensorSpec(name, "unknown", List.of());
  }

  private static String dtype(TensorInfo.OnnxTensorType type) {
    String name = type.name();
    return (name.startsWith(TYPE_PREFIX) ? name.substring(TYPE_PREFIX.length()) : name)
        .toLowerCase(Locale.ROOT);
  }

  /**
   * ONNX Runtime names the file it failed to load by its absolute path, which says nothing to the
   * user and tells them how the server's disk is laid out: name {@code source} instead, and hide
   * any other absolute path.
   */
  static String withoutPaths(String message, Path file, String source) {
    String named =
        message
            .replace(file.toAbsolutePath().normalize().toString(), source)
            .replace(file.toString(), source);
    return ABSOLUTE_PATH.matcher(named).replaceAll("<server path>");
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no reason given";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
