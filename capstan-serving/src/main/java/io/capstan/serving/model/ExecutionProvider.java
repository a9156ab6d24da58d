package io.capstan.serving.model;

import ai.onnxruntime.OrtProvider;
import java.util.Set;

/**
 * Where ONNX Runtime runs a model: CUDA when the ONNX Runtime build has the CUDA provider and it
 * starts on a device, the CPU otherwise. The choice is made per process at start-up and logged.
 */
public enum ExecutionProvider {
  CUDA,
  CPU;

  /** The provider to try first, given the providers this ONNX Runtime build offers. */
  public static ExecutionProvider preferred(Set<OrtProvider> available) {
    return available.contains(OrtProvider.CUDA) ? CUDA : CPU;
  }
}
