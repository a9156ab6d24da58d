package io.capstan.api.serving;

/**
 * Dynamic batching in each serving replica: requests arriving within the queue delay are run as one
 * batch, up to the maximum batch size.
 *
 * @param maxBatchSize the largest batch (1 turns batching off); null for the server's default
 * @param maxQueueDelayMicros how long a request may wait for others; null for the server's default
 */
public record BatchingSpec(Integer maxBatchSize, Integer maxQueueDelayMicros) {}
