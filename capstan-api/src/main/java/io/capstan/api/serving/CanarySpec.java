package io.capstan.api.serving;

/**
 * A canary: another model version that answers a share of the requests.
 *
 * @param model the canary's model reference ({@code NAME:VERSION} or {@code NAME@ALIAS}); the same
 *     model name as the stable one
 * @param percent the share of requests it answers, 0 (deployed, answering none) to 100 (answering
 *     all), as KServe's {@code canaryTrafficPercent}
 */
public record CanarySpec(String model, Integer percent) {}
