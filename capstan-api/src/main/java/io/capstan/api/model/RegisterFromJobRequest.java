package io.capstan.api.model;

import java.util.Map;

/**
 * Body of a registration from a job's output.
 *
 * @param job the job's name, in the model's project; it must have succeeded
 * @param path the file, relative to the job's output directory (default {@code model.onnx}); no
 *     {@code ..}
 * @param description free text, or null
 * @param metrics numeric results; the job's {@code metrics.json} values are used for the ones not
 *     given here
 * @param tags free-form key-value tags
 */
public record RegisterFromJobRequest(
    String job,
    String path,
    String description,
    Map<String, Double> metrics,
    Map<String, String> tags) {
  public RegisterFromJobRequest {
    metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    tags = tags == null ? Map.of() : Map.copyOf(tags);
  }
}
