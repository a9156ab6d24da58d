package io.capstan.serving.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.capstan.serving.ErrorKind;
import io.capstan.serving.ServingException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One ONNX Runtime session and the tensors it takes and gives, converted to and from arrays. */
public final class OnnxModel implements AutoCloseable {
  private final OrtEnvironment env;
  private final OrtSession session;
  private final ExecutionProvider provider;
  private final String fallback;
  private final List<TensorSpec> inputs;
  private final List<TensorSpec> outputs;

  private OnnxModel(
      OrtEnvironment env,
      OrtSession session,
      ExecutionProvider provider,
      String fallback,
      List<TensorSpec> inputs,
      List<TensorSpec> outputs) {
    this.env = env;
    this.session = session;
    this.provider = provider;
    this.fallback = fallback;
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
  }

  /** Loads {@code path}; fails with a message naming the file and the reason. */
  public static OnnxModel load(Path path, SessionSettings settings) {
    OrtEnvironment env = OnnxEnvironment.get();
    ExecutionProvider provider =
        ExecutionProvider.preferred(OrtEnvironment.getAvailableProviders());
    try {
      OrtSession session;
      String fallback = null;
      try {
        session = env.createSession(path.toString(), options(settings, provider));
      } catch (OrtException e) {
        if (provider == ExecutionProvider.CPU) {
          throw e;
        }
        // A CUDA build on a machine without a usable device or without CUDA's libraries.
        fallback = e.getMessage();
        provider = ExecutionProvider.CPU;
        session = env.createSession(path.toString(), options(settings, provider));
      }
      return new OnnxModel(
          env,
          session,
          provider,
          fallback,
          specs(session.getInputInfo()),
          specs(session.getOutputInfo()));
    } catch (OrtException e) {
      throw new IllegalArgumentException(
          "could not load the ONNX model " + path + ": " + e.getMessage(), e);
    }
  }

  private static OrtSession.SessionOptions options(
      SessionSettings settings, ExecutionProvider provider) throws OrtException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    options.setExecutionMode(
        settings.interOpThreads() > 1
            ? OrtSession.SessionOptions.ExecutionMode.PARALLEL
            : OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
    options.setIntraOpNumThreads(settings.intraOpThreads());
    options.setInterOpNumThreads(settings.interOpThreads());
    // Spinning workers burn the cores the HTTP and gRPC threads need on a small machine.
    options.addConfigEntry("session.intra_op.allow_spinning", "0");
    options.addConfigEntry("session.inter_op.allow_spinning", "0");
    if (provider == ExecutionProvider.CUDA) {
      options.addCUDA(0);
    }
    return options;
  }

  private static List<TensorSpec> specs(Map<String, NodeInfo> infos) {
    List<TensorSpec> specs = new ArrayList<>();
    for (NodeInfo node : infos.values()) {
      if (!(node.getInfo() instanceof TensorInfo info)) {
        throw new IllegalArgumentException(
            "expected '" + node.getName() + "' to be a tensor, but was " + node.getInfo());
      }
      specs.add(
          new TensorSpec(
              node.getName(), DataType.of(node.getName(), info.onnxType), info.getShape()));
    }
    return specs;
  }

  public ExecutionProvider provider() {
    return provider;
  }

  /**
   * Where the model runs, for the log: {@code CUDA}, {@code CPU}, or {@code CPU} with the reason
   * ONNX Runtime gave for not starting the CUDA provider of a GPU build.
   */
  public String placement() {
    return fallback == null
        ? provider.name()
        : provider + " (the CUDA provider did not start: " + fallback.strip() + ")";
  }

  public List<TensorSpec> inputs() {
    return inputs;
  }

  public List<TensorSpec> outputs() {
    return outputs;
  }

  /** Runs the model; {@code outputNames} are the outputs to return, in that order. */
  public List<Tensor> run(List<Tensor> in, List<String> outputNames) {
    Map<String, OnnxTensor> feed = new HashMap<>();
    try {
      for (Tensor tensor : in) {
        feed.put(tensor.name(), toOnnx(tensor));
      }
      Set<String> wanted = new LinkedHashSet<>(outputNames);
      try (OrtSession.Result result = session.run(feed, wanted)) {
        List<Tensor> out = new ArrayList<>(outputNames.size());
        for (String name : outputNames) {
          OnnxValue value = result.get(name).orElseThrow();
          out.add(fromOnnx(name, (OnnxTensor) value));
        }
        return out;
      }
    } catch (OrtException e) {
      throw new ServingException(ErrorKind.INTERNAL, "inference failed: " + e.getMessage(), e);
    } finally {
      feed.values().forEach(OnnxTensor::close);
    }
  }

  private OnnxTensor toOnnx(Tensor tensor) throws OrtException {
    long[] shape = tensor.shape();
    return switch (tensor.datatype()) {
      case FP32 -> OnnxTensor.createTensor(env, FloatBuffer.wrap((float[]) tensor.data()), shape);
      case FP64 -> OnnxTensor.createTensor(env, DoubleBuffer.wrap((double[]) tensor.data()), shape);
      case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap((long[]) tensor.data()), shape);
      case INT32 -> OnnxTensor.createTensor(env, IntBuffer.wrap((int[]) tensor.data()), shape);
      case INT16 -> OnnxTensor.createTensor(env, ShortBuffer.wrap((short[]) tensor.data()), shape);
      case FP16, BF16 ->
          OnnxTensor.createTensor(
              env, ShortBuffer.wrap((short[]) tensor.data()), shape, tensor.datatype().onnxType());
      case BYTES -> OnnxTensor.createTensor(env, (String[]) tensor.data(), shape);
      case BOOL, UINT8, INT8 -> {
        byte[] bytes = (byte[]) tensor.data();
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).order(ByteOrder.nativeOrder());
        direct.put(bytes).flip();
        yield OnnxTensor.createTensor(env, direct, shape, tensor.datatype().onnxType());
      }
    };
  }

  private static Tensor fromOnnx(String name, OnnxTensor value) throws OrtException {
    TensorInfo info = value.getInfo();
    DataType type;
    try {
      type = DataType.of(name, info.onnxType);
    } catch (IllegalArgumentException e) {
      throw new ServingException(ErrorKind.INTERNAL, "output " + e.getMessage(), e);
    }
    long[] shape = info.getShape();
    Object data =
        switch (type) {
          case FP32 -> value.getFloatBuffer().array();
          case FP64 -> value.getDoubleBuffer().array();
          case INT64 -> value.getLongBuffer().array();
          case INT32 -> value.getIntBuffer().array();
          case INT16, FP16, BF16 -> value.getShortBuffer().array();
          case BYTES -> strings(value.getValue(), (int) info.getNumElements());
          case BOOL, UINT8, INT8 -> {
            ByteBuffer buffer = value.getByteBuffer();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            yield bytes;
          }
        };
    return new Tensor(name, type, shape, data);
  }

  /** A string tensor's value (a String, or nested String arrays) flattened in row-major order. */
  private static String[] strings(Object value, int count) {
    String[] out = new String[count];
    int[] next = {0};
    flatten(value, out, next);
    return out;
  }

  private static void flatten(Object value, String[] out, int[] next) {
    if (value instanceof Object[] array) {
      for (Object element : array) {
        flatten(element, out, next);
      }
    } else {
      out[next[0]++] = (String) value;
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("could not close the ONNX Runtime session", e);
    }
  }
}
