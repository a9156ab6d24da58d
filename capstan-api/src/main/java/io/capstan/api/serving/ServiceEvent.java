package io.capstan.api.serving;

import java.time.Instant;

/**
 * Something that happened to a service: created, rolled out, traffic changed, promoted, rolled
 * back, scaled.
 */
public record ServiceEvent(Instant time, String reason, String message) {}
