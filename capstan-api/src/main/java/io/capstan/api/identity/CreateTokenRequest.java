package io.capstan.api.identity;

/** Creates an API token for a user; {@code name} labels it (e.g. "laptop"). */
public record CreateTokenRequest(String name) {}
