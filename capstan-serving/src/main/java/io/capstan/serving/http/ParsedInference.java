package io.capstan.serving.http;

import static java.util.Objects.requireNonNull;

import io.capstan.serving.model.InferenceRequest;
import java.util.Map;

/**
 * An inference request read from HTTP, with how its outputs go back: as JSON data, or as raw bytes
 * after the JSON (Triton's binary tensor data extension).
 *
 * @param request the call
 * @param binaryOutputs {@code parameters.binary_data_output} of the request: every output goes back
 *     as binary data unless it says otherwise
 * @param binaryByOutput {@code parameters.binary_data} of the outputs that say it, by output name
 */
record ParsedInference(
    InferenceRequest request, boolean binaryOutputs, Map<String, Boolean> binaryByOutput) {
  ParsedInference {
    requireNonNull(request, "request is null");
    binaryByOutput = Map.copyOf(binaryByOutput);
  }

  /** Whether output {@code name} goes back as binary data. */
  boolean binary(String name) {
    return binaryByOutput.getOrDefault(name, binaryOutputs);
  }
}
