package io.capstan.api.identity;

import java.util.List;

/**
 * The caller's identity and memberships.
 *
 * @param user the caller's user name
 * @param admin whether the caller administers the whole installation
 * @param projects the projects the caller is a member of, with their role in each
 */
public record WhoAmI(String user, boolean admin, List<ProjectMembership> projects) {
  public WhoAmI {
    projects = projects == null ? List.of() : List.copyOf(projects);
  }
}
