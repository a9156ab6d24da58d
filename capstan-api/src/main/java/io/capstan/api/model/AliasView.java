package io.capstan.api.model;

import java.time.Instant;

/**
 * An alias of a model and the version it points at.
 *
 * @param model the model's name
 * @param alias the alias, without {@code @}
 * @param version the version it points at
 * @param updatedAt when it was last assigned (a controller serving {@code NAME@ALIAS} rolls when
 *     this changes)
 * @param resourceVersion 1 when created, +1 with every assignment; send it back as {@code If-Match:
 *     "N"} on {@code PUT} to move the alias only if nobody else did since you read it (else 409
 *     CONFLICT), or {@code If-Match: "0"} to create it only if it does not exist; null from a
 *     server older than decision 76
 */
public record AliasView(
    String model, String alias, int version, Instant updatedAt, Long resourceVersion) {}
