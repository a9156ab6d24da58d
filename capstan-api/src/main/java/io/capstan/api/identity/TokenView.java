package io.capstan.api.identity;

import java.time.Instant;

/**
 * An API token. {@code token} is the secret, present only in the answer to its creation; the server
 * keeps only its hash.
 */
public record TokenView(String id, String user, String name, Instant createdAt, String token) {}
