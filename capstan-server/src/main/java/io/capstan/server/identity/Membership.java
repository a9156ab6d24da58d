package io.capstan.server.identity;

import static java.util.Objects.requireNonNull;

import io.capstan.api.identity.ProjectRole;

/** A user's role in a project. */
public record Membership(String project, String user, ProjectRole role) {
  public Membership {
    requireNonNull(project, "project is null");
    requireNonNull(user, "user is null");
    requireNonNull(role, "role is null");
  }
}
