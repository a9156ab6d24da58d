package io.capstan.api.queue;

/**
 * CPU, memory and GPU as Kubernetes-style quantities ({@code "8"}, {@code "500m"}, {@code "64Gi"},
 * GPUs {@code "4"} or {@code "0.5"}); an absent field is 0 in a nominal quota and unlimited in a
 * limit.
 */
public record ResourceQuantities(String cpu, String memory, String gpu) {}
