package io.capstan.api.identity;

import java.util.List;

/** The caller's identity and memberships. */
public record WhoAmI(String user, boolean admin, List<MemberView> projects) {
  public WhoAmI {
    projects = projects == null ? List.of() : List.copyOf(projects);
  }
}
