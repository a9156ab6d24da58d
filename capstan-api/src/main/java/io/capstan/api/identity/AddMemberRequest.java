package io.capstan.api.identity;

/** Adds a user to a project with a role, or changes the role of a member. */
public record AddMemberRequest(String user, ProjectRole role) {}
