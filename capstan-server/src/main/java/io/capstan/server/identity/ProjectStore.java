package io.capstan.server.identity;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.identity.MemberView;
import io.capstan.api.identity.ProjectRole;
import io.capstan.api.identity.ProjectView;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Projects and their memberships in the database (H2 or PostgreSQL). */
public final class ProjectStore {
  /** {@code memberships.granted_by} of a membership the identity provider's groups gave. */
  private static final String GROUPS = "oidc";

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final Clock clock;
  private final Revocations revocations;

  public ProjectStore(
      JdbcClient jdbc, TransactionTemplate tx, Clock clock, Revocations revocations) {
    this.jdbc = requireNonNull(jdbc, "jdbc is null");
    this.tx = requireNonNull(tx, "tx is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.revocations = requireNonNull(revocations, "revocations is null");
  }

  /** Creates a project with {@code creator} as its admin; ALREADY_EXISTS when the name is taken. */
  public ProjectView create(String name, String description, String creator) {
    long now = clock.millis();
    try {
      tx.executeWithoutResult(
          status -> {
            jdbc.sql("insert into projects (name, description, created_at) values (?, ?, ?)")
                .params(name, description, now)
                .update();
            insertMember(name, creator, ProjectRole.ADMIN, null);
          });
    } catch (DuplicateKeyException e) {
      throw new CapstanException(
          ErrorCode.ALREADY_EXISTS, "name", "Project '" + name + "' already exists", e);
    }
    return get(name);
  }

  public boolean exists(String name) {
    return jdbc.sql("select count(*) from projects where name = ?")
            .param(name)
            .query(Long.class)
            .single()
        > 0;
  }

  /** The project with its members, or empty. */
  public Optional<ProjectView> find(String name) {
    return jdbc.sql("select name, description, created_at from projects where name = ?")
        .param(name)
        .query((rs, row) -> project(rs, List.of()))
        .optional()
        .map(project -> withMembers(project, members(name)));
  }

  /** The project, or NOT_FOUND. */
  public ProjectView get(String name) {
    return find(name).orElseThrow(() -> notFound(name));
  }

  /** All project names, sorted. */
  public List<String> names() {
    return jdbc.sql("select name from projects order by name").query(String.class).list();
  }

  /** Every project with its members, sorted by name. */
  public List<ProjectView> list() {
    return withMembers(
        jdbc.sql("select name, description, created_at from projects order by name")
            .query((rs, row) -> project(rs, List.of()))
            .list(),
        jdbc.sql("select project, user_name, role from memberships order by project, user_name")
            .query(ProjectStore::membership)
            .list());
  }

  /** The projects {@code user} is a member of, with all their members, sorted by name. */
  public List<ProjectView> listFor(String user) {
    String mine = "(select project from memberships where user_name = ?)";
    return withMembers(
        jdbc.sql(
                "select name, description, created_at from projects where name in "
                    + mine
                    + " order by name")
            .param(user)
            .query((rs, row) -> project(rs, List.of()))
            .list(),
        jdbc.sql(
                "select project, user_name, role from memberships where project in "
                    + mine
                    + " order by project, user_name")
            .param(user)
            .query(ProjectStore::membership)
            .list());
  }

  public List<MemberView> members(String project) {
    return jdbc.sql("select user_name, role from memberships where project = ? order by user_name")
        .param(project)
        .query((rs, row) -> new MemberView(rs.getString("user_name"), role(rs)))
        .list();
  }

  /** The projects {@code user} is a member of, sorted by project. */
  public List<Membership> memberships(String user) {
    return jdbc.sql(
            "select project, user_name, role from memberships where user_name = ? order by project")
        .param(user)
        .query(ProjectStore::membership)
        .list();
  }

  /** The role of {@code user} in {@code project}, or empty when not a member (or no project). */
  public Optional<ProjectRole> role(String project, String user) {
    return jdbc.sql("select role from memberships where project = ? and user_name = ?")
        .params(project, user)
        .query((rs, row) -> role(rs))
        .optional();
  }

  /**
   * Adds a member or changes a member's role, given by a person: a membership the provider's groups
   * gave becomes one that sign-in no longer changes. INVALID_STATE when it would leave the project
   * without an admin.
   */
  public void putMember(String project, String user, ProjectRole role) {
    put(project, user, role, null);
  }

  /**
   * Gives {@code user} {@code role} in {@code project} because the provider's groups say so: adds
   * the membership or changes its role, unless a person gave the membership (then it is left alone
   * and the answer is false). INVALID_STATE when it would leave the project without an admin.
   */
  public boolean putGroupMember(String project, String user, ProjectRole role) {
    return Boolean.TRUE.equals(
        tx.execute(
            status -> {
              lockProject(project);
              if (role(project, user).isPresent() && !grantedByGroups(project, user)) {
                return false;
              }
              put(project, user, role, GROUPS);
              return true;
            }));
  }

  /** The memberships of {@code user} that the provider's groups gave, sorted by project. */
  public List<Membership> groupMemberships(String user) {
    return jdbc.sql(
            "select project, user_name, role from memberships where user_name = ? and granted_by"
                + " = ? order by project")
        .params(user, GROUPS)
        .query(ProjectStore::membership)
        .list();
  }

  private void put(String project, String user, ProjectRole role, String grantedBy) {
    Boolean lowered =
        tx.execute(
            status -> {
              lockProject(project);
              Optional<ProjectRole> current = role(project, user);
              if (current.isEmpty()) {
                insertMember(project, user, role, grantedBy);
                return false;
              }
              if (current.get() == ProjectRole.ADMIN && role != ProjectRole.ADMIN) {
                requireAnotherAdmin(project, user, "change the role of");
              }
              if (!changeRole(project, user, role, grantedBy, version(project, user))) {
                // Cannot happen while every change holds the project's lock; refused, not lost.
                throw new CapstanException(
                    ErrorCode.CONFLICT,
                    "user",
                    "Expected the membership of '"
                        + user
                        + "' in project '"
                        + project
                        + "' to stay unchanged while it was updated, but it changed"
                        + " concurrently; try again");
              }
              return !role.atLeast(current.get());
            });
    if (Boolean.TRUE.equals(lowered)) {
      // A lower role takes access away from whoever remembered the higher one.
      revocations.revoked();
    }
  }

  /**
   * Sets a member's role and who gave it, if the membership is still at {@code expectedVersion},
   * raising the version; false when it changed or went away meanwhile. Membership changes also hold
   * the project's lock, so between them this never fails: it refuses a writer that forgot the lock
   * instead of letting it overwrite silently.
   */
  boolean changeRole(
      String project, String user, ProjectRole role, String grantedBy, long expectedVersion) {
    return jdbc.sql(
                "update memberships set role = ?, granted_by = ?, version = ? where project = ?"
                    + " and user_name = ? and version = ?")
            .params(role.wireName(), grantedBy, expectedVersion + 1, project, user, expectedVersion)
            .update()
        == 1;
  }

  /** The version of a membership, which every change of its role raises; NOT_FOUND without one. */
  long version(String project, String user) {
    return jdbc.sql("select version from memberships where project = ? and user_name = ?")
        .params(project, user)
        .query(Long.class)
        .optional()
        .orElseThrow(
            () ->
                CapstanException.notFound(
                    "User '" + user + "' is not a member of project '" + project + "'"));
  }

  /**
   * Removes a membership the provider's groups gave (a person's is kept); false when there was
   * none. INVALID_STATE when it would leave the project without an admin.
   */
  public boolean removeGroupMember(String project, String user) {
    return remove(project, user, true);
  }

  /**
   * Removes a member; false when {@code user} was not one. INVALID_STATE when it would leave the
   * project without an admin.
   */
  public boolean removeMember(String project, String user) {
    return remove(project, user, false);
  }

  private boolean remove(String project, String user, boolean onlyGroups) {
    Boolean removed =
        tx.execute(
            status -> {
              lockProject(project);
              Optional<ProjectRole> current = role(project, user);
              if (current.isEmpty() || (onlyGroups && !grantedByGroups(project, user))) {
                return false;
              }
              if (current.get() == ProjectRole.ADMIN) {
                requireAnotherAdmin(project, user, "remove");
              }
              jdbc.sql("delete from memberships where project = ? and user_name = ?")
                  .params(project, user)
                  .update();
              return true;
            });
    if (Boolean.TRUE.equals(removed)) {
      revocations.revoked();
      return true;
    }
    return false;
  }

  private boolean grantedByGroups(String project, String user) {
    return jdbc.sql(
                "select count(*) from memberships where project = ? and user_name = ? and"
                    + " granted_by = ?")
            .params(project, user, GROUPS)
            .query(Long.class)
            .single()
        > 0;
  }

  /** Serializes membership changes of one project, so two cannot remove its last two admins. */
  private void lockProject(String project) {
    jdbc.sql("select name from projects where name = ? for update")
        .param(project)
        .query(String.class)
        .optional()
        .orElseThrow(() -> notFound(project));
  }

  private void requireAnotherAdmin(String project, String user, String action) {
    long admins =
        jdbc.sql("select count(*) from memberships where project = ? and role = ?")
            .params(project, ProjectRole.ADMIN.wireName())
            .query(Long.class)
            .single();
    if (admins <= 1) {
      throw new CapstanException(
          ErrorCode.INVALID_STATE,
          "user",
          "Expected project '"
              + project
              + "' to keep at least one admin, but '"
              + user
              + "' is its only admin; make another member admin before you "
              + action
              + " '"
              + user
              + "'");
    }
  }

  private void insertMember(String project, String user, ProjectRole role, String grantedBy) {
    jdbc.sql("insert into memberships (project, user_name, role, granted_by) values (?, ?, ?, ?)")
        .params(project, user, role.wireName(), grantedBy)
        .update();
  }

  private static CapstanException notFound(String project) {
    return CapstanException.notFound("Project '" + project + "' not found");
  }

  private static List<ProjectView> withMembers(
      List<ProjectView> projects, List<Membership> memberships) {
    Map<String, List<MemberView>> byProject =
        memberships.stream()
            .collect(
                Collectors.groupingBy(
                    Membership::project,
                    Collectors.mapping(
                        m -> new MemberView(m.user(), m.role()), Collectors.toList())));
    return projects.stream()
        .map(p -> withMembers(p, byProject.getOrDefault(p.name(), List.of())))
        .toList();
  }

  private static ProjectView withMembers(ProjectView project, List<MemberView> members) {
    return new ProjectView(project.name(), project.description(), project.createdAt(), members);
  }

  private static Membership membership(ResultSet rs, int row) throws SQLException {
    return new Membership(rs.getString("project"), rs.getString("user_name"), role(rs));
  }

  private static ProjectRole role(ResultSet rs) throws SQLException {
    return ProjectRole.fromWire(rs.getString("role"));
  }

  private static ProjectView project(ResultSet rs, List<MemberView> members) throws SQLException {
    return new ProjectView(
        rs.getString("name"),
        rs.getString("description"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        members);
  }
}
