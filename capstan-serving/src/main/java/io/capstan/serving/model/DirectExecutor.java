package io.capstan.serving.model;

import io.capstan.serving.ErrorKind;
import io.capstan.serving.ServingException;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;

/** Runs each request at once on the caller's thread: for models that cannot be batched. */
public final class DirectExecutor implements InferenceExecutor {
  private final ModelRunner model;
  private final IntConsumer batchSizes;
  private volatile boolean closed;

  /** {@code batchSizes} hears the rows of every run (for the batch-size metric). */
  public DirectExecutor(ModelRunner model, IntConsumer batchSizes) {
    this.model = model;
    this.batchSizes = batchSizes;
  }

  @Override
  public CompletableFuture<InferenceResult> submit(InferenceRequest request) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new ServingException(ErrorKind.UNAVAILABLE, "the model is shutting down"));
    }
    try {
      batchSizes.accept(request.inputs().isEmpty() ? 1 : (int) request.inputs().get(0).rows());
      return CompletableFuture.completedFuture(
          new InferenceResult(model.run(request.inputs(), request.requestedOutputs())));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public void close() {
    closed = true;
  }
}
