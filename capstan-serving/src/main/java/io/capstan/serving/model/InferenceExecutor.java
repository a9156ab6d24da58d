package io.capstan.serving.model;

import java.util.concurrent.CompletableFuture;

/**
 * Runs validated requests for one model version: at once on the caller's thread, or queued and
 * merged with others by the dynamic batcher.
 */
public interface InferenceExecutor extends AutoCloseable {
  /** The result, or a future failed with a {@link io.capstan.serving.ServingException}. */
  CompletableFuture<InferenceResult> submit(InferenceRequest request);

  /** Runs what is queued, then stops; later submissions fail as unavailable. */
  @Override
  void close();
}
