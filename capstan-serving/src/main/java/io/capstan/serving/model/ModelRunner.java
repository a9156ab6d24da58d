package io.capstan.serving.model;

import java.util.List;

/**
 * Runs a model once on whole tensors: {@link OnnxModel#run} in production; tests of the batcher
 * pass a plain function to control timing.
 */
@FunctionalInterface
public interface ModelRunner {
  /** The outputs named {@code outputNames}, in that order, for {@code inputs}. */
  List<Tensor> run(List<Tensor> inputs, List<String> outputNames);
}
