package io.capstan.serving.model;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One inference call, whatever protocol it came in on: its inputs and the outputs asked for (empty
 * means all of the model's outputs).
 */
public record InferenceRequest(String id, List<Tensor> inputs, List<String> requestedOutputs) {
  public InferenceRequest {
    id = id == null ? "" : id;
    inputs = List.copyOf(requireNonNull(inputs, "inputs is null"));
    requestedOutputs = List.copyOf(requireNonNull(requestedOutputs, "requestedOutputs is null"));
  }
}
