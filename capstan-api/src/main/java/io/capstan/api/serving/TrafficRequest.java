package io.capstan.api.serving;

/**
 * Sets the canary: {@code percent} of the requests go to {@code model}. Percent 0 removes the
 * canary (all requests to the stable version).
 *
 * @param model the canary's model reference; may be absent to change only the percent of the
 *     current canary
 * @param percent 0 to 99
 */
public record TrafficRequest(String model, Integer percent) {}
