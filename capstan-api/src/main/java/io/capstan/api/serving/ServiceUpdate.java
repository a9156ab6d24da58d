package io.capstan.api.serving;

import io.capstan.api.queue.ResourceQuantities;

/**
 * A change to a service; absent fields stay as they are. A new {@code model} rolls the stable
 * replicas to it one at a time, each new one answering before an old one stops.
 *
 * @param model the new stable model reference
 * @param minReplicas the new minimum
 * @param maxReplicas the new maximum
 * @param resources per replica, from the next replica started
 * @param batching from the next replica started
 * @param targetInFlight the autoscaler's new target
 */
public record ServiceUpdate(
    String model,
    Integer minReplicas,
    Integer maxReplicas,
    ResourceQuantities resources,
    BatchingSpec batching,
    Integer targetInFlight) {}
