package io.capstan.api.serving;

import io.capstan.api.queue.ResourceQuantities;

/**
 * An inference service as its owner asks for it: the model to serve, how many replicas, and an
 * optional canary. Absent fields take the defaults named below when the service is created.
 *
 * @param name service name, unique in its project ({@code [a-z0-9][a-z0-9-]*}, at most 40)
 * @param model the stable model: {@code NAME:VERSION}, {@code NAME@ALIAS} or {@code NAME@latest};
 *     an alias is followed, so moving it rolls the service to the new version
 * @param minReplicas replicas kept running at least (default 1)
 * @param maxReplicas replicas the autoscaler may run at most (default {@code minReplicas})
 * @param resources per replica (default cpu 500m, memory 1Gi, no GPU)
 * @param batching dynamic batching of the model server (default: on, its defaults)
 * @param canary another version receiving a share of the requests, or null
 * @param targetInFlight in-flight requests per replica the autoscaler aims at (default 8)
 */
public record ServiceSpec(
    String name,
    String model,
    Integer minReplicas,
    Integer maxReplicas,
    ResourceQuantities resources,
    BatchingSpec batching,
    CanarySpec canary,
    Integer targetInFlight) {}
