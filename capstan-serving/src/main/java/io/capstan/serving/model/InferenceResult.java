package io.capstan.serving.model;

import java.util.List;

/** The outputs of one inference call, in the order they were asked for (or the model's order). */
public record InferenceResult(List<Tensor> outputs) {
  public InferenceResult {
    outputs = List.copyOf(outputs);
  }
}
