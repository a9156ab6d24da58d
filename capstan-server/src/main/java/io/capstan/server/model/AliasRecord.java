package io.capstan.server.model;

import java.time.Instant;

/**
 * An alias as stored.
 *
 * @param updatedAt when it was last assigned
 * @param generation 1 when created, +1 each time it is assigned again (moved or not)
 */
public record AliasRecord(
    String project, String model, String alias, int version, Instant updatedAt, long generation) {}
