package io.capstan.server.identity.oidc;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.identity.ProjectRole;
import io.capstan.server.identity.Membership;
import io.capstan.server.identity.ProjectStore;
import io.capstan.server.identity.Revocations;
import io.capstan.server.identity.SessionStore;
import io.capstan.server.identity.UserStore;
import io.capstan.server.store.Versions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What a verified ID token does: finds the Capstan user linked to the provider's (issuer, subject)
 * or creates one on first sign-in, makes the user's installation-admin flag and group-given
 * memberships follow the token's groups, and starts a session.
 *
 * <p>Memberships that the groups gave are updated to the groups' role on every sign-in and removed
 * when the groups no longer give them. A membership a person gave ({@code project add-member}) is
 * never changed or removed by sign-in. A project named in the mapping that does not exist is
 * skipped (logged); so is a change that would leave a project without an admin.
 */
public final class SignIn {
  private static final Logger log = LoggerFactory.getLogger(SignIn.class);

  private final OidcConfig config;
  private final JdbcClient jdbc;
  private final UserStore users;
  private final ProjectStore projects;
  private final SessionStore sessions;
  private final Revocations revocations;
  private final Clock clock;
  private final GroupMapping mapping;

  public SignIn(
      OidcConfig config,
      JdbcClient jdbc,
      UserStore users,
      ProjectStore projects,
      SessionStore sessions,
      Revocations revocations,
      Clock clock) {
    this.config = requireNonNull(config, "config is null");
    this.jdbc = requireNonNull(jdbc, "jdbc is null");
    this.users = requireNonNull(users, "users is null");
    this.projects = requireNonNull(projects, "projects is null");
    this.sessions = requireNonNull(sessions, "sessions is null");
    this.revocations = requireNonNull(revocations, "revocations is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.mapping = new GroupMapping(config.mappings(), config.adminGroup());
  }

  /** Signs the token's user in and starts a session for {@code client}. */
  public SessionStore.Started signIn(IdToken token, SessionStore.Client client) {
    String user = user(token);
    List<String> groups = token.strings(config.groupsClaim());
    mapping.admin(groups).ifPresent(admin -> setAdmin(user, admin));
    applyMemberships(user, mapping.roles(groups));
    return sessions.start(
        user,
        client,
        client == SessionStore.Client.BROWSER
            ? config.sessionLifetime()
            : config.cliTokenLifetime());
  }

  private void setAdmin(String user, boolean admin) {
    UserStore.StoredUser before =
        Versions.change(
            "user '" + user + "'",
            OptionalLong.empty(),
            () -> users.stored(user),
            UserStore.StoredUser::version,
            current ->
                current.user().admin() == admin || users.setAdmin(user, admin, current.version()));
    if (before.user().admin() && !admin) {
      revocations.revoked();
    }
  }

  /** The user linked to the token's subject; created, with a free name, on first sign-in. */
  String user(IdToken token) {
    Optional<String> linked = linkedUser(token);
    if (linked.isPresent()) {
      // A timestamp, not a change of the link: the later of two racing sign-ins wins, by value.
      long now = clock.millis();
      jdbc.sql(
              "update oidc_identities set last_sign_in_at = ? where issuer = ? and subject = ?"
                  + " and last_sign_in_at < ?")
          .params(now, token.issuer(), token.subject(), now)
          .update();
      return linked.get();
    }
    String wanted = UserNames.sanitize(nameClaim(token));
    for (int attempt = 0; attempt < 3; attempt++) {
      String name = UserNames.unique(wanted, candidate -> users.find(candidate).isPresent());
      try {
        users.create(name, false);
      } catch (CapstanException e) {
        if (e.code() == ErrorCode.ALREADY_EXISTS) {
          continue; // taken between the look-up and the insert: pick the next free name
        }
        throw e;
      }
      try {
        long now = clock.millis();
        jdbc.sql(
                "insert into oidc_identities (issuer, subject, user_name, created_at,"
                    + " last_sign_in_at) values (?, ?, ?, ?, ?)")
            .params(token.issuer(), token.subject(), name, now, now)
            .update();
      } catch (DuplicateKeyException e) {
        // The same person's first sign-in in another tab won: use its user, drop ours.
        jdbc.sql("delete from users where name = ?").param(name).update();
        return linkedUser(token).orElseThrow(() -> e);
      }
      log.info("Created user '{}' on first sign-in through {}", name, token.issuer());
      return name;
    }
    throw new CapstanException(
        ErrorCode.UNAVAILABLE,
        "Expected to create a user for the first sign-in, but every name tried was taken at once;"
            + " sign in again");
  }

  private Optional<String> linkedUser(IdToken token) {
    return jdbc.sql("select user_name from oidc_identities where issuer = ? and subject = ?")
        .params(token.issuer(), token.subject())
        .query(String.class)
        .optional();
  }

  private String nameClaim(IdToken token) {
    for (String claim : List.of(config.usernameClaim(), "preferred_username", "email")) {
      String value = token.text(claim);
      if (value != null) {
        return value;
      }
    }
    return token.subject();
  }

  private void applyMemberships(String user, Map<String, ProjectRole> given) {
    given.forEach(
        (project, role) -> {
          if (!projects.exists(project)) {
            log.warn(
                "capstan.oidc.group-roles gives '{}' the role {} in project '{}', which does not"
                    + " exist; create it to apply the mapping",
                user,
                role.wireName(),
                project);
            return;
          }
          keepingLastAdmin(() -> projects.putGroupMember(project, user, role), user, project);
        });
    for (Membership membership : projects.groupMemberships(user)) {
      if (!given.containsKey(membership.project())) {
        keepingLastAdmin(
            () -> projects.removeGroupMember(membership.project(), user),
            user,
            membership.project());
      }
    }
  }

  /** Sign-in goes on when a group change would leave a project without an admin. */
  private static void keepingLastAdmin(Runnable change, String user, String project) {
    try {
      change.run();
    } catch (CapstanException e) {
      if (e.code() != ErrorCode.INVALID_STATE) {
        throw e;
      }
      log.warn(
          "Kept the membership of '{}' in project '{}' although the groups changed: {}",
          user,
          project,
          e.getMessage());
    }
  }
}
