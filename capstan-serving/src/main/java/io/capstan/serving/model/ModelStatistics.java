package io.capstan.serving.model;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts of one model version since it was loaded, for Triton's statistics extension ({@code GET
 * /v2/models/NAME/stats}): requests that succeeded and failed with their time in the server, time
 * queued for a batch, ONNX Runtime runs with their time and the rows they computed.
 */
public final class ModelStatistics {
  /** A count and the nanoseconds it took, together. */
  public record Duration(long count, long nanos) {}

  /** What the statistics say now. */
  public record Snapshot(
      long lastInferenceMillis,
      long inferenceCount,
      long executionCount,
      Duration success,
      Duration fail,
      Duration queue,
      Duration computeInfer) {}

  private final Counter success = new Counter();
  private final Counter fail = new Counter();
  private final Counter queue = new Counter();
  private final Counter compute = new Counter();
  private final LongAdder rows = new LongAdder();
  private final AtomicLong lastInference = new AtomicLong();

  /** A finished request: whether it succeeded and how long it was in the server. */
  public void request(boolean succeeded, long nanos) {
    (succeeded ? success : fail).add(nanos);
    lastInference.set(System.currentTimeMillis());
  }

  /** A request's wait for its batch. */
  public void queued(long nanos) {
    queue.add(nanos);
  }

  /** One ONNX Runtime run of {@code rowCount} rows that took {@code nanos}. */
  public void executed(int rowCount, long nanos) {
    rows.add(rowCount);
    compute.add(nanos);
  }

  public Snapshot snapshot() {
    return new Snapshot(
        lastInference.get(),
        rows.sum(),
        compute.count.sum(),
        success.read(),
        fail.read(),
        queue.read(),
        compute.read());
  }

  private static final class Counter {
    private final LongAdder count = new LongAdder();
    private final LongAdder nanos = new LongAdder();

    void add(long took) {
      count.increment();
      nanos.add(took);
    }

    Duration read() {
      return new Duration(count.sum(), nanos.sum());
    }
  }
}
