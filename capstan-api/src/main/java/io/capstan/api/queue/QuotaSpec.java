package io.capstan.api.queue;

/**
 * A project's quota, in Kueue's vocabulary.
 *
 * @param nominal guaranteed resources
 * @param borrowingLimit how much more than nominal it may borrow from others' unused quota; null
 *     for unlimited
 * @param lendingLimit how much of its unused nominal quota others may borrow; null for all of it
 * @param weight fair-sharing weight between borrowing projects (default 1)
 * @param policy ordering of its pending jobs: {@code LAS} (default) or {@code FIFO}
 */
public record QuotaSpec(
    ResourceQuantities nominal,
    ResourceQuantities borrowingLimit,
    ResourceQuantities lendingLimit,
    Integer weight,
    String policy) {}
