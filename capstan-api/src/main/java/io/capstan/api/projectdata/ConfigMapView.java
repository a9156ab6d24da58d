package io.capstan.api.projectdata;

import java.time.Instant;
import java.util.Map;

/**
 * A config map with its values.
 *
 * @param project the project it belongs to
 * @param name its name
 * @param data key to value, sorted by key
 * @param createdAt when it was created
 * @param updatedAt when it was last created or replaced
 * @param updatedBy who created or last replaced it
 * @param resourceVersion 1 when created, +1 with every replace; send it back as {@code If-Match:
 *     "N"} on {@code PUT} to replace it only if nobody else did since you read it (else 409)
 */
public record ConfigMapView(
    String project,
    String name,
    Map<String, String> data,
    Instant createdAt,
    Instant updatedAt,
    String updatedBy,
    long resourceVersion) {}
