package io.capstan.serving.model;

import static java.util.Objects.requireNonNull;

import io.capstan.serving.ServingException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One loaded model version: its session, its declared tensors and the executor that runs its
 * requests. {@link #infer} checks a request against the model before anything is queued, so a bad
 * request fails alone with a message naming the input and the reason.
 */
public final class ServedModel implements AutoCloseable {
  private final ModelSpec spec;
  private final OnnxModel model;
  private final InferenceExecutor executor;
  private final boolean batched;
  private final int maxBatchSize;
  private final ModelStatistics statistics;
  private final List<String> outputNames;

  /**
   * @param maxBatchSize the most rows one run takes when {@code batched}, else 0
   * @param statistics where its requests and runs are counted
   */
  public ServedModel(
      ModelSpec spec,
      OnnxModel model,
      boolean batched,
      int maxBatchSize,
      ModelStatistics statistics,
      Function<ServedModel, InferenceExecutor> executorFactory) {
    this.spec = requireNonNull(spec, "spec is null");
    this.model = requireNonNull(model, "model is null");
    this.batched = batched;
    this.maxBatchSize = batched ? maxBatchSize : 0;
    this.statistics = requireNonNull(statistics, "statistics is null");
    this.outputNames = names(model.outputs());
    this.executor = executorFactory.apply(this);
  }

  /** True when every input and output has a free first dimension, so requests can be stacked. */
  public static boolean batchable(OnnxModel model) {
    return model.inputs().stream().allMatch(TensorSpec::batchable)
        && model.outputs().stream().allMatch(TensorSpec::batchable);
  }

  public String name() {
    return spec.name();
  }

  public long version() {
    return spec.version();
  }

  public OnnxModel model() {
    return model;
  }

  /** Whether this version's requests go through the dynamic batcher. */
  public boolean batched() {
    return batched;
  }

  /** The most rows one run takes (Triton's {@code max_batch_size}); 0 when not batched. */
  public int maxBatchSize() {
    return maxBatchSize;
  }

  public ModelStatistics statistics() {
    return statistics;
  }

  public List<TensorSpec> inputs() {
    return model.inputs();
  }

  public List<TensorSpec> outputs() {
    return model.outputs();
  }

  /** Checks the request against the model and runs it; a bad request fails before queueing. */
  public CompletableFuture<InferenceResult> infer(InferenceRequest request) {
    return executor.submit(prepare(request));
  }

  /** The request with inputs in the model's order and outputs named; throws for a bad request. */
  InferenceRequest prepare(InferenceRequest request) {
    Map<String, Tensor> byName = new HashMap<>();
    for (Tensor input : request.inputs()) {
      if (byName.put(input.name(), input) != null) {
        throw ServingException.badRequest("input '" + input.name() + "' is given twice");
      }
    }
    List<Tensor> ordered = new ArrayList<>(model.inputs().size());
    long rows = -1;
    for (TensorSpec expected : model.inputs()) {
      Tensor input = byName.remove(expected.name());
      if (input == null) {
        throw ServingException.badRequest(
            "missing input '" + expected.name() + "' (" + expected + ")");
      }
      check(expected, input);
      if (batched) {
        if (rows >= 0 && input.rows() != rows) {
          throw ServingException.badRequest(
              "expected every input to have the same first dimension, but '"
                  + input.name()
                  + "' has "
                  + input.rows()
                  + " and an earlier one "
                  + rows);
        }
        rows = input.rows();
      }
      ordered.add(input);
    }
    if (!byName.isEmpty()) {
      throw ServingException.badRequest(
          "unknown input '"
              + byName.keySet().iterator().next()
              + "'; the model's inputs are "
              + names(model.inputs()));
    }
    return new InferenceRequest(request.id(), ordered, outputNames(request.requestedOutputs()));
  }

  private static void check(TensorSpec expected, Tensor input) {
    if (expected.datatype() != input.datatype()) {
      throw ServingException.badRequest(
          "expected input '"
              + input.name()
              + "' to have datatype "
              + expected.datatype()
              + ", but was "
              + input.datatype());
    }
    if (!expected.accepts(input.shape())) {
      throw ServingException.badRequest(
          "expected input '"
              + input.name()
              + "' to have shape "
              + Arrays.toString(expected.shape())
              + " (-1: any size), but was "
              + Arrays.toString(input.shape()));
    }
  }

  private List<String> outputNames(List<String> requested) {
    if (requested.isEmpty()) {
      return outputNames;
    }
    for (String name : requested) {
      if (!outputNames.contains(name)) {
        throw ServingException.badRequest(
            "unknown output '" + name + "'; the model's outputs are " + outputNames);
      }
    }
    return requested;
  }

  private static List<String> names(List<TensorSpec> specs) {
    return specs.stream().map(TensorSpec::name).toList();
  }

  /** Lets queued requests finish, then closes the session. */
  @Override
  public void close() {
    executor.close();
    model.close();
  }
}
