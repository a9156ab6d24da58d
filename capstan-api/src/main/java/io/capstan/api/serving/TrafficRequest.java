package io.capstan.api.serving;

/**
 * Sets the canary: {@code percent} of the requests go to {@code model}. At 0 the canary stays
 * deployed and gets no requests; {@code rollback} removes it.
 *
 * @param model the canary's model reference; may be absent to change only the percent of the
 *     current canary
 * @param percent 0 (the canary runs but answers no request) to 100 (it answers every request)
 */
public record TrafficRequest(String model, Integer percent) {}
