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
 */
public record AliasView(String model, String alias, int version, Instant updatedAt) {}
