package io.capstan.server.identity.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.identity.ProjectRole;
import io.capstan.server.identity.Membership;
import io.capstan.server.identity.ProjectStore;
import io.capstan.server.identity.Revocations;
import io.capstan.server.identity.SessionStore;
import io.capstan.server.identity.UserStore;
import io.capstan.server.store.TestingDatabase;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a verified ID token does to users, memberships and sessions, on embedded H2 and on a real
 * PostgreSQL.
 */
class SignInTest {
  private static final String ISSUER = "https://login.example.com/realms/corp";

  static Stream<TestingDatabase> databases() {
    return TestingDatabase.all();
  }

  /** A clock the test moves. */
  private static final class MovableClock extends Clock {
    private Instant now = Instant.parse("2026-12-06T10:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }
  }

  private record Fixture(
      SignIn signIn,
      UserStore users,
      ProjectStore projects,
      SessionStore sessions,
      Revocations revocations,
      MovableClock clock) {
    static Fixture on(TestingDatabase db) {
      MovableClock clock = new MovableClock();
      Revocations revocations = new Revocations();
      UserStore users = new UserStore(db.jdbc(), clock);
      ProjectStore projects = new ProjectStore(db.jdbc(), db.transactions(), clock, revocations);
      SessionStore sessions = new SessionStore(db.jdbc(), clock, revocations);
      OidcConfig config =
          new OidcConfig(
              URI.create(ISSUER),
              "capstan",
              null,
              null,
              null,
              "email",
              "roles",
              List.of("ml=speech:editor", "leads=speech:admin", "vision=vision:viewer"),
              "platform",
              Duration.ofHours(1),
              Duration.ofDays(2),
              null,
              null);
      users.create("root", true);
      projects.create("speech", null, "root");
      projects.create("vision", null, "root");
      return new Fixture(
          new SignIn(config, db.jdbc(), users, projects, sessions, revocations, clock),
          users,
          projects,
          sessions,
          revocations,
          clock);
    }

    SessionStore.Started signIn(String subject, String email, List<String> groups) {
      return signIn.signIn(
          new IdToken(ISSUER, subject, Map.of("email", email, "roles", groups)),
          SessionStore.Client.BROWSER);
    }

    Map<String, ProjectRole> roles(String user) {
      Map<String, ProjectRole> roles = new TreeMap<>();
      for (Membership m : projects.memberships(user)) {
        roles.put(m.project(), m.role());
      }
      return roles;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void theFirstSignInCreatesTheUserAndLaterOnesFindItBySubject(TestingDatabase db) {
    Fixture f = Fixture.on(db);

    String first = f.signIn("sub-1", "Ana.Lima@corp.example", List.of("ml")).user();
    String renamed = f.signIn("sub-1", "ana.new@corp.example", List.of("ml")).user();
    String namesake = f.signIn("sub-2", "ana.lima@other.example", List.of()).user();

    assertThat(first).isEqualTo("ana-lima");
    assertThat(renamed).as("linked by subject, not by name").isEqualTo("ana-lima");
    assertThat(namesake).isEqualTo("ana-lima-2");
    assertThat(f.users().find("ana-new")).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void groupRolesFollowTheGroupsAndAPersonsGrantIsLeftAlone(TestingDatabase db) {
    Fixture f = Fixture.on(db);
    String user = f.signIn("sub-1", "bo@corp.example", List.of("ml", "vision")).user();
    assertThat(f.roles(user))
        .isEqualTo(Map.of("speech", ProjectRole.EDITOR, "vision", ProjectRole.VIEWER));

    f.projects().putMember("vision", user, ProjectRole.EDITOR); // a person takes it over
    f.signIn("sub-1", "bo@corp.example", List.of("leads"));

    assertThat(f.roles(user))
        .isEqualTo(Map.of("speech", ProjectRole.ADMIN, "vision", ProjectRole.EDITOR));
    f.signIn("sub-1", "bo@corp.example", List.of());
    assertThat(f.roles(user)).isEqualTo(Map.of("vision", ProjectRole.EDITOR));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aPersonsMembershipIsNotTakenOverByTheGroups(TestingDatabase db) {
    Fixture f = Fixture.on(db);
    String user = f.signIn("sub-1", "cy@corp.example", List.of()).user();
    f.projects().putMember("speech", user, ProjectRole.VIEWER);

    f.signIn("sub-1", "cy@corp.example", List.of("leads"));
    f.signIn("sub-1", "cy@corp.example", List.of());

    assertThat(f.roles(user)).isEqualTo(Map.of("speech", ProjectRole.VIEWER));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void theLastAdminOfAProjectKeepsTheRoleWhenTheGroupGoes(TestingDatabase db) {
    Fixture f = Fixture.on(db);
    String user = f.signIn("sub-1", "di@corp.example", List.of("leads")).user();
    f.projects().removeMember("speech", "root");

    f.signIn("sub-1", "di@corp.example", List.of());

    assertThat(f.roles(user)).containsEntry("speech", ProjectRole.ADMIN);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void installationAdminFollowsTheAdminGroup(TestingDatabase db) {
    Fixture f = Fixture.on(db);
    String user = f.signIn("sub-1", "ed@corp.example", List.of("platform")).user();
    assertThat(f.users().get(user).admin()).isTrue();
    long before = f.revocations().generation();

    f.signIn("sub-1", "ed@corp.example", List.of("ml"));

    assertThat(f.users().get(user).admin()).isFalse();
    assertThat(f.revocations().generation()).as("access was taken away").isGreaterThan(before);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void sessionsExpireAndEnd(TestingDatabase db) {
    Fixture f = Fixture.on(db);
    SessionStore.Started browser = f.signIn("sub-1", "fa@corp.example", List.of());
    SessionStore.Started cli =
        f.signIn()
            .signIn(
                new IdToken(ISSUER, "sub-1", Map.of("email", "fa@corp.example")),
                SessionStore.Client.CLI);
    assertThat(browser.expiresAt()).isEqualTo(f.clock().instant().plus(Duration.ofHours(1)));
    assertThat(cli.expiresAt()).isEqualTo(f.clock().instant().plus(Duration.ofDays(2)));
    assertThat(f.sessions().authenticate(browser.secret())).contains("fa");

    f.clock().advance(Duration.ofHours(1));

    assertThat(f.sessions().authenticate(browser.secret())).isEmpty();
    assertThat(f.sessions().authenticate(cli.secret())).contains("fa");
    assertThat(f.sessions().end(cli.secret())).isTrue();
    assertThat(f.sessions().authenticate(cli.secret())).isEmpty();
    assertThat(browser.toString()).doesNotContain(browser.secret());
  }
}
