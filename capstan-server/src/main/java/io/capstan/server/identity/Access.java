package io.capstan.server.identity;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.identity.ProjectRole;
import java.util.List;
import java.util.Optional;

/**
 * Who may do what: every feature asks here before it touches a project's objects. A project the
 * caller cannot see answers NOT_FOUND, exactly as one that does not exist, so names do not leak.
 */
public final class Access {
  private final ProjectStore projects;

  public Access(ProjectStore projects) {
    this.projects = requireNonNull(projects, "projects is null");
  }

  /**
   * Passes when the caller is an installation admin and the project exists, or is a member with at
   * least {@code minimum}; else NOT_FOUND (not a member, or no such project) or PERMISSION_DENIED
   * (a member with a lower role).
   */
  public void requireProject(Caller caller, String project, ProjectRole minimum) {
    requireNonNull(caller, "caller is null");
    requireNonNull(minimum, "minimum is null");
    if (project == null) {
      throw notFound(null);
    }
    if (caller.admin()) {
      if (!projects.exists(project)) {
        throw notFound(project);
      }
      return;
    }
    Optional<ProjectRole> role = projects.role(project, caller.user());
    if (role.isEmpty()) {
      throw notFound(project);
    }
    if (!role.get().atLeast(minimum)) {
      throw new CapstanException(
          ErrorCode.PERMISSION_DENIED,
          "Expected role "
              + minimum.wireName()
              + (minimum == ProjectRole.ADMIN ? "" : " or higher")
              + " in project '"
              + project
              + "', but user '"
              + caller.user()
              + "' is "
              + role.get().wireName());
    }
  }

  /** The projects the caller may see, sorted: all of them for installation admins. */
  public List<String> visibleProjects(Caller caller) {
    requireNonNull(caller, "caller is null");
    if (caller.admin()) {
      return projects.names();
    }
    return projects.memberships(caller.user()).stream().map(Membership::project).toList();
  }

  /** Passes for installation admins; PERMISSION_DENIED for everyone else. */
  public void requireAdmin(Caller caller) {
    requireNonNull(caller, "caller is null");
    if (!caller.admin()) {
      throw new CapstanException(
          ErrorCode.PERMISSION_DENIED,
          "Expected an installation admin, but user '" + caller.user() + "' is not one");
    }
  }

  private static CapstanException notFound(String project) {
    return CapstanException.notFound("Project '" + project + "' not found");
  }
}
