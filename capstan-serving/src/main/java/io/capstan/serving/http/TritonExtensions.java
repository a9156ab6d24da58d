package io.capstan.serving.http;

import io.capstan.serving.model.DataType;
import io.capstan.serving.model.ModelStatistics;
import io.capstan.serving.model.ServedModel;
import io.capstan.serving.model.TensorSpec;
import java.util.Arrays;
import java.util.List;
import tools.jackson.core.JsonGenerator;

/**
 * Triton's model configuration and statistics extensions over HTTP, as far as tools such as
 * perf_analyzer and tritonclient's {@code get_model_config}/{@code get_inference_statistics} read
 * them: {@code GET /v2/models/NAME[/versions/V]/config} and {@code .../stats}.
 */
final class TritonExtensions {
  private TritonExtensions() {}

  /**
   * The model's configuration: platform, {@code max_batch_size} (the batcher's limit, 0 when the
   * model is not batched) and its tensors, without the batch dimension when it is batched.
   */
  static void config(JsonGenerator g, ServedModel model, String platform) {
    g.writeStartObject();
    g.writeStringProperty("name", model.name());
    g.writeStringProperty("platform", platform);
    g.writeStringProperty("backend", "onnxruntime");
    g.writeNumberProperty("max_batch_size", model.maxBatchSize());
    tensors(g, "input", model.inputs(), model.maxBatchSize() > 0);
    tensors(g, "output", model.outputs(), model.maxBatchSize() > 0);
    if (model.maxBatchSize() > 0) {
      g.writeObjectPropertyStart("dynamic_batching");
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private static void tensors(
      JsonGenerator g, String field, List<TensorSpec> tensors, boolean batched) {
    g.writeArrayPropertyStart(field);
    for (TensorSpec tensor : tensors) {
      long[] dims = tensor.shape();
      if (batched) {
        dims = Arrays.copyOfRange(dims, 1, dims.length);
      }
      g.writeStartObject();
      g.writeStringProperty("name", tensor.name());
      g.writeStringProperty("data_type", dataType(tensor.datatype()));
      g.writeName("dims");
      g.writeArray(dims, 0, dims.length);
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  /** Triton's name of a datatype in a model configuration. */
  static String dataType(DataType type) {
    return switch (type) {
      case BYTES -> "TYPE_STRING";
      default -> "TYPE_" + type.name();
    };
  }

  /**
   * Statistics of these model versions since they were loaded. ONNX Runtime's run is timed whole:
   * preparing inputs and reading outputs are inside {@code compute_infer}, so {@code compute_input}
   * and {@code compute_output} count the runs with no time of their own.
   */
  static void stats(JsonGenerator g, List<ServedModel> models) {
    g.writeStartObject();
    g.writeArrayPropertyStart("model_stats");
    for (ServedModel model : models) {
      ModelStatistics.Snapshot s = model.statistics().snapshot();
      g.writeStartObject();
      g.writeStringProperty("name", model.name());
      g.writeStringProperty("version", Long.toString(model.version()));
      g.writeNumberProperty("last_inference", s.lastInferenceMillis());
      g.writeNumberProperty("inference_count", s.inferenceCount());
      g.writeNumberProperty("execution_count", s.executionCount());
      g.writeObjectPropertyStart("inference_stats");
      duration(g, "success", s.success());
      duration(g, "fail", s.fail());
      duration(g, "queue", s.queue());
      duration(g, "compute_input", new ModelStatistics.Duration(s.computeInfer().count(), 0));
      duration(g, "compute_infer", s.computeInfer());
      duration(g, "compute_output", new ModelStatistics.Duration(s.computeInfer().count(), 0));
      g.writeEndObject();
      g.writeArrayPropertyStart("batch_stats");
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void duration(JsonGenerator g, String name, ModelStatistics.Duration d) {
    g.writeObjectPropertyStart(name);
    g.writeNumberProperty("count", d.count());
    g.writeNumberProperty("ns", d.nanos());
    g.writeEndObject();
  }
}
