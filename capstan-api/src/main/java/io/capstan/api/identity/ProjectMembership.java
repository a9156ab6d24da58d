package io.capstan.api.identity;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One of the caller's projects and the caller's role in it, as {@link WhoAmI} lists them.
 *
 * @param project the project's name
 * @param role the caller's role in it
 */
public record ProjectMembership(String project, ProjectRole role) {
  /**
   * The project's name again, under the field name {@code whoami} used when each entry was a {@link
   * MemberView} whose {@code user} held the project, so CLIs of that time keep reading it. New
   * clients read {@link #project}.
   *
   * @deprecated read {@code project}; this field will be removed
   */
  @Deprecated
  @JsonProperty("user")
  public String user() {
    return project;
  }
}
