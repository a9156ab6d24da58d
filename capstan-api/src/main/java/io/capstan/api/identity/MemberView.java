package io.capstan.api.identity;

/** A user's membership of a project. */
public record MemberView(String user, ProjectRole role) {}
