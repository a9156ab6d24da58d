package io.capstan.serving.batching;

import java.util.List;

/**
 * Dynamic batching settings: at most {@code maxBatchSize} rows per run; a batch that has not
 * reached a preferred size (or the maximum) waits at most {@code maxQueueDelayMicros} after its
 * oldest request arrived. A maximum of 1 turns batching off.
 */
public record BatchingOptions(
    int maxBatchSize, long maxQueueDelayMicros, List<Integer> preferredBatchSizes) {
  public static final int DEFAULT_MAX_BATCH_SIZE = 32;
  public static final long DEFAULT_MAX_QUEUE_DELAY_MICROS = 500;

  public BatchingOptions {
    if (maxBatchSize < 1) {
      throw new IllegalArgumentException(
          "expected --max-batch-size to be at least 1, but was " + maxBatchSize);
    }
    if (maxQueueDelayMicros < 0) {
      throw new IllegalArgumentException(
          "expected --max-queue-delay-us to be >= 0, but was " + maxQueueDelayMicros);
    }
    preferredBatchSizes = List.copyOf(preferredBatchSizes);
    for (int size : preferredBatchSizes) {
      if (size < 1 || size > maxBatchSize) {
        throw new IllegalArgumentException(
            "expected every --preferred-batch-size to be between 1 and --max-batch-size ("
                + maxBatchSize
                + "), but was "
                + size);
      }
    }
  }

  public static BatchingOptions defaults() {
    return new BatchingOptions(DEFAULT_MAX_BATCH_SIZE, DEFAULT_MAX_QUEUE_DELAY_MICROS, List.of());
  }

  public static BatchingOptions disabled() {
    return new BatchingOptions(1, 0, List.of());
  }

  public boolean enabled() {
    return maxBatchSize > 1;
  }

  /** True when a batch of {@code rows} rows should run without waiting for more. */
  boolean full(int rows) {
    return rows >= maxBatchSize || preferredBatchSizes.contains(rows);
  }
}
