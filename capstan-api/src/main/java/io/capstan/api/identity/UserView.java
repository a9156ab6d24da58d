package io.capstan.api.identity;

import java.time.Instant;

/** A user as the API shows it. {@code admin} users administer the whole installation. */
public record UserView(String name, boolean admin, Instant createdAt) {}
