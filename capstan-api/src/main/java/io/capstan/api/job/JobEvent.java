package io.capstan.api.job;

import java.time.Instant;

/**
 * A timestamped event in a job's history: phase transitions and notable observations.
 *
 * @param time when it happened
 * @param phase the job's phase after the event
 * @param reason a CamelCase reason code, e.g. {@code ReplicaFailed}
 * @param message plain words with numbers
 */
public record JobEvent(Instant time, JobPhase phase, String reason, String message) {}
