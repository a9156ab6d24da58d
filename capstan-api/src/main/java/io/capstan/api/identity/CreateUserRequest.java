package io.capstan.api.identity;

/** Creates a user; only installation admins may. */
public record CreateUserRequest(String name, boolean admin) {}
