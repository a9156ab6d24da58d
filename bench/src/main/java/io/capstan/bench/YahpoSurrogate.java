package io.capstan.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A YAHPO Gym surrogate (slds-lmu/yahpo_data v1.0.2) in ONNX Runtime: what a training run with
 * given hyperparameters would reach, predicted from {@code x_cont} (raw values in yahpo_gym's
 * {@code cont_names} order) and {@code x_cat} (codes from {@code encoding.json} in {@code
 * cat_names} order). A parameter left out is YAHPO's NA: 0, or the code of {@code #na#}.
 */
final class YahpoSurrogate implements AutoCloseable {
  private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final JsonNode encoding;
  private final List<String> continuous;
  private final List<String> categorical;

  YahpoSurrogate(Path directory, List<String> continuous, List<String> categorical)
      throws OrtException, IOException {
    this.continuous = List.copyOf(continuous);
    this.categorical = List.copyOf(categorical);
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    options.setIntraOpNumThreads(1);
    session = environment.createSession(directory.resolve("model.onnx").toString(), options);
    encoding =
        JsonMapper.builder().build().readTree(Files.readString(directory.resolve("encoding.json")));
  }

  /** The code of {@code value} of categorical input {@code name} in {@code encoding.json}. */
  int code(String name, String value) {
    JsonNode code = encoding.path(name).path(value);
    if (!code.isNumber()) {
      throw new IllegalArgumentException(
          "Expected " + value + " to be a value of " + name + " in encoding.json, but it is not");
    }
    return code.asInt();
  }

  /** The surrogate's outputs for the given inputs (continuous values; categorical codes). */
  float[] predict(Map<String, Double> values, Map<String, Integer> codes) {
    float[] cont = new float[continuous.size()];
    for (int i = 0; i < cont.length; i++) {
      cont[i] = values.getOrDefault(continuous.get(i), 0.0).floatValue();
    }
    int[] cat = new int[categorical.size()];
    for (int i = 0; i < cat.length; i++) {
      Integer code = codes.get(categorical.get(i));
      cat[i] = code == null ? code(categorical.get(i), "#na#") : code;
    }
    try (OnnxTensor x =
            OnnxTensor.createTensor(
                environment, FloatBuffer.wrap(cont), new long[] {1, cont.length});
        OnnxTensor c =
            OnnxTensor.createTensor(environment, IntBuffer.wrap(cat), new long[] {1, cat.length});
        OrtSession.Result result = session.run(Map.of("x_cont", x, "x_cat", c))) {
      return ((float[][]) result.get(0).getValue())[0];
    } catch (OrtException e) {
      throw new IllegalStateException("The surrogate failed on " + values + " and " + codes, e);
    }
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
