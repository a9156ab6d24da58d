package io.capstan.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The YAHPO Gym lcbench surrogate (slds-lmu/yahpo_data v1.0.2) as a tuning objective: the
 * validation accuracy (percent) an MLP with the given hyperparameters reaches on an OpenML task
 * after a number of epochs (1 to 52), predicted by the ONNX model in ONNX Runtime.
 */
final class YahpoLcbench implements AutoCloseable {
  /** The order of {@code x_cont}. */
  static final String[] CONTINUOUS = {
    "epoch",
    "batch_size",
    "learning_rate",
    "momentum",
    "weight_decay",
    "num_layers",
    "max_units",
    "max_dropout"
  };

  private static final int VAL_ACCURACY = 1;
  private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final String encoding;

  YahpoLcbench(Path directory) throws OrtException, java.io.IOException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    options.setIntraOpNumThreads(1);
    session = environment.createSession(directory.resolve("model.onnx").toString(), options);
    encoding = Files.readString(directory.resolve("encoding.json"));
  }

  /** The code of OpenML task {@code task} in {@code encoding.json}. */
  int taskCode(String task) {
    Matcher matcher = Pattern.compile("\"" + task + "\": (\\d+)").matcher(encoding);
    if (!matcher.find()) {
      throw new IllegalArgumentException(
          "Expected an lcbench task, but " + task + " is not in encoding.json");
    }
    return Integer.parseInt(matcher.group(1));
  }

  /**
   * The validation accuracy of {@code values} (parameter name to value) on task code {@code task}.
   */
  double valAccuracy(int task, Map<String, String> values, double epoch) {
    float[] continuous = new float[CONTINUOUS.length];
    continuous[0] = (float) epoch;
    for (int i = 1; i < CONTINUOUS.length; i++) {
      continuous[i] = Float.parseFloat(values.get(CONTINUOUS[i]));
    }
    try (OnnxTensor cont =
            OnnxTensor.createTensor(
                environment, FloatBuffer.wrap(continuous), new long[] {1, CONTINUOUS.length});
        OnnxTensor cat =
            OnnxTensor.createTensor(
                environment, IntBuffer.wrap(new int[] {task}), new long[] {1, 1});
        OrtSession.Result result = session.run(Map.of("x_cont", cont, "x_cat", cat))) {
      float[][] output = (float[][]) result.get(0).getValue();
      return output[0][VAL_ACCURACY];
    } catch (OrtException e) {
      throw new IllegalStateException("The lcbench surrogate failed on " + values, e);
    }
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
