package io.capstan.api.projectdata;

import java.time.Instant;
import java.util.Map;

/**
 * A secret as the API shows it: its keys and the size of each value in bytes, never the values.
 *
 * @param project the project it belongs to
 * @param name its name
 * @param keys key to the size of its value in bytes, sorted by key
 * @param createdAt when it was created
 * @param updatedAt when it was last created or replaced
 * @param updatedBy who created or last replaced it
 * @param resourceVersion 1 when created, +1 with every replace; send it back as {@code If-Match:
 *     "N"} on {@code PUT} to replace it only if nobody else did since you read it (else 409)
 */
public record SecretView(
    String project,
    String name,
    Map<String, Integer> keys,
    Instant createdAt,
    Instant updatedAt,
    String updatedBy,
    long resourceVersion) {}
