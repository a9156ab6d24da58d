package io.capstan.server.identity.oidc;

import static java.util.Objects.requireNonNull;

import io.capstan.api.identity.ProjectRole;
import io.capstan.server.identity.oidc.OidcConfig.GroupRole;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a user's groups give: the highest role per project that any of the groups maps to, and
 * whether one of them is the installation admins' group.
 */
final class GroupMapping {
  private final List<GroupRole> mappings;
  private final String adminGroup;

  GroupMapping(List<GroupRole> mappings, String adminGroup) {
    this.mappings = List.copyOf(requireNonNull(mappings, "mappings is null"));
    this.adminGroup = adminGroup;
  }

  /** Project to role, sorted by project. */
  Map<String, ProjectRole> roles(Collection<String> groups) {
    Set<String> mine = Set.copyOf(groups);
    Map<String, ProjectRole> roles = new TreeMap<>();
    for (GroupRole mapping : mappings) {
      if (mine.contains(mapping.group())) {
        roles.merge(mapping.project(), mapping.role(), (a, b) -> a.atLeast(b) ? a : b);
      }
    }
    return roles;
  }

  /** Whether the groups make an installation admin; empty when no admin group is configured. */
  Optional<Boolean> admin(Collection<String> groups) {
    return adminGroup == null ? Optional.empty() : Optional.of(groups.contains(adminGroup));
  }
}
