package io.capstan.server.identity;

import static java.util.Objects.requireNonNull;

import io.capstan.api.ApiPaths;
import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.identity.AddMemberRequest;
import io.capstan.api.identity.CreateProjectRequest;
import io.capstan.api.identity.CreateTokenRequest;
import io.capstan.api.identity.CreateUserRequest;
import io.capstan.api.identity.ProjectMembership;
import io.capstan.api.identity.ProjectRole;
import io.capstan.api.identity.ProjectView;
import io.capstan.api.identity.TokenView;
import io.capstan.api.identity.UserView;
import io.capstan.api.identity.WhoAmI;
import io.capstan.server.audit.AuditNote;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The user, token and project endpoints of {@link ApiPaths}. */
@RestController
public class IdentityController {
  private static final int MAX_TOKEN_NAME = 100;
  private static final int MAX_DESCRIPTION = 1000;

  private final UserStore users;
  private final ProjectStore projects;
  private final TokenStore tokens;
  private final Access access;

  IdentityController(UserStore users, ProjectStore projects, TokenStore tokens, Access access) {
    this.users = requireNonNull(users, "users is null");
    this.projects = requireNonNull(projects, "projects is null");
    this.tokens = requireNonNull(tokens, "tokens is null");
    this.access = requireNonNull(access, "access is null");
  }

  /** The caller and their memberships. */
  @GetMapping(ApiPaths.WHOAMI)
  public WhoAmI whoami(Caller caller) {
    List<ProjectMembership> memberships =
        projects.memberships(caller.user()).stream()
            .map(m -> new ProjectMembership(m.project(), m.role()))
            .toList();
    return new WhoAmI(caller.user(), caller.admin(), memberships);
  }

  @GetMapping(ApiPaths.USERS)
  public List<UserView> listUsers(Caller caller) {
    access.requireAdmin(caller);
    return users.list();
  }

  @PostMapping(ApiPaths.USERS)
  public ResponseEntity<UserView> createUser(
      Caller caller, @RequestBody CreateUserRequest request) {
    access.requireAdmin(caller);
    String name = Names.requireLabel("name", request.name());
    return created(users.create(name, request.admin()));
  }

  @GetMapping(ApiPaths.USER_TOKENS)
  public List<TokenView> listTokens(Caller caller, @PathVariable String user) {
    requireTokenOwner(caller, user);
    return tokens.list(user);
  }

  @PostMapping(ApiPaths.USER_TOKENS)
  public ResponseEntity<TokenView> createToken(
      Caller caller,
      AuditNote audit,
      @PathVariable String user,
      @RequestBody CreateTokenRequest request) {
    requireTokenOwner(caller, user);
    TokenView created = tokens.create(user, tokenName(request.name()));
    // The same object name as its deletion (by id); never the secret.
    audit
        .object("token", user + "/" + created.id())
        .after(Map.of("name", created.name() == null ? "" : created.name()));
    return created(created);
  }

  @DeleteMapping(ApiPaths.USER_TOKEN)
  public ResponseEntity<Void> deleteToken(
      Caller caller, @PathVariable String user, @PathVariable String id) {
    requireTokenOwner(caller, user);
    tokens.delete(user, id);
    return ResponseEntity.noContent().build();
  }

  /** The caller's projects; every project for installation admins. */
  @GetMapping(ApiPaths.PROJECTS)
  public List<ProjectView> listProjects(Caller caller) {
    return caller.admin() ? projects.list() : projects.listFor(caller.user());
  }

  @PostMapping(ApiPaths.PROJECTS)
  public ResponseEntity<ProjectView> createProject(
      Caller caller, @RequestBody CreateProjectRequest request) {
    String name = Names.requireLabel("name", request.name());
    String description = request.description();
    if (description != null && description.length() > MAX_DESCRIPTION) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          "description",
          "Expected description to be at most "
              + MAX_DESCRIPTION
              + " characters, but it had "
              + description.length());
    }
    return created(projects.create(name, description, caller.user()));
  }

  @GetMapping(ApiPaths.PROJECT)
  public ProjectView getProject(Caller caller, @PathVariable String project) {
    access.requireProject(caller, project, ProjectRole.VIEWER);
    return projects.get(project);
  }

  /** Adds a member or changes a member's role; project admins and installation admins only. */
  @PutMapping(ApiPaths.PROJECT_MEMBERS)
  public ProjectView putMember(
      Caller caller,
      AuditNote audit,
      @PathVariable String project,
      @RequestBody AddMemberRequest request) {
    access.requireProject(caller, project, ProjectRole.ADMIN);
    String user = Names.requireLabel("user", request.user());
    if (request.role() == null) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          "role",
          "Expected role to be one of viewer, editor, admin, but it was missing or another value");
    }
    users.get(user);
    audit.before(Map.of("role", roleOf(project, user)));
    projects.putMember(project, user, request.role());
    audit.after(Map.of("role", request.role().wireName()));
    return projects.get(project);
  }

  @DeleteMapping(ApiPaths.PROJECT_MEMBERS + "/{user}")
  public ResponseEntity<Void> removeMember(
      Caller caller, AuditNote audit, @PathVariable String project, @PathVariable String user) {
    access.requireProject(caller, project, ProjectRole.ADMIN);
    audit.before(Map.of("role", roleOf(project, user))).after(Map.of("role", "none"));
    if (!projects.removeMember(project, user)) {
      throw CapstanException.notFound(
          "User '" + user + "' is not a member of project '" + project + "'");
    }
    return ResponseEntity.noContent().build();
  }

  private String roleOf(String project, String user) {
    return projects.role(project, user).map(ProjectRole::wireName).orElse("none");
  }

  /** Users manage their own tokens; installation admins manage anyone's. */
  private void requireTokenOwner(Caller caller, String user) {
    if (caller.admin()) {
      users.get(user);
      return;
    }
    if (!caller.user().equals(user)) {
      throw new CapstanException(
          ErrorCode.PERMISSION_DENIED,
          "Expected tokens of user '"
              + caller.user()
              + "' (your own) unless you are an installation admin, but asked for user '"
              + user
              + "'");
    }
  }

  private static String tokenName(String name) {
    if (name == null) {
      return null;
    }
    if (name.isBlank()
        || name.length() > MAX_TOKEN_NAME
        || name.chars().anyMatch(Character::isISOControl)) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          "name",
          "Expected the token name to be 1 to "
              + MAX_TOKEN_NAME
              + " printable characters, but was '"
              + name.replaceAll("\\p{Cntrl}", "?")
              + "'");
    }
    return name;
  }

  private static <T> ResponseEntity<T> created(T body) {
    return ResponseEntity.status(HttpStatus.CREATED).body(body);
  }
}
