package io.capstan.server.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.identity.ProjectRole;
import io.capstan.api.identity.TokenView;
import io.capstan.api.serving.ServiceEvent;
import io.capstan.api.serving.ServiceSpec;
import io.capstan.server.identity.Access;
import io.capstan.server.identity.Authenticator;
import io.capstan.server.identity.ProjectStore;
import io.capstan.server.identity.Revocations;
import io.capstan.server.identity.SessionStore;
import io.capstan.server.identity.TokenStore;
import io.capstan.server.identity.UserStore;
import io.capstan.server.store.TestingDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The gateway's remembered grants: used while nothing changes, dropped at once on revocation. */
class GatewayAccessTest {
  private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);

  private TestingDatabase db;
  private ProjectStore projects;
  private TokenStore tokens;
  private GatewayAccess gateway;
  private TokenView alice;

  @BeforeEach
  void setUp() {
    db = TestingDatabase.h2();
    Revocations revocations = new Revocations();
    UserStore users = new UserStore(db.jdbc(), CLOCK);
    projects = new ProjectStore(db.jdbc(), db.transactions(), CLOCK, revocations);
    tokens = new TokenStore(db.jdbc(), CLOCK, revocations);
    users.create("admin", true);
    users.create("alice", false);
    projects.create("vision", "", "admin");
    projects.putMember("vision", "alice", ProjectRole.VIEWER);
    alice = tokens.create("alice", "laptop");
    ServiceStore services =
        new ServiceStore(db.jdbc(), db.transactions(), JsonMapper.builder().build());
    ServiceSpec spec =
        ServiceSpecs.complete(new ServiceSpec("churn", "churn@1", 1, 1, null, null, null, null));
    services.insert(
        new ServiceRecord("churn-1", "vision", spec, 1, null, null, 1, 0, T0, T0),
        new ServiceEvent(T0, "Created", "by admin"));
    // A grant is remembered for an hour: only a revocation can end it within the test.
    gateway =
        new GatewayAccess(
            new Authenticator(tokens, new SessionStore(db.jdbc(), CLOCK, revocations), users),
            new Access(projects),
            services,
            revocations,
            Duration.ofHours(1));
  }

  @Test
  void grantIsRememberedWhileNothingIsRevoked() {
    gateway.check(bearer(alice), "vision", "churn");
    // Taken away behind the stores' back: no revocation, so the remembered grant still answers.
    db.jdbc().sql("delete from memberships where user_name = 'alice'").update();

    assertThatCode(() -> gateway.check(bearer(alice), "vision", "churn"))
        .doesNotThrowAnyException();
  }

  @Test
  void deletedTokenLosesAccessAtOnce() {
    gateway.check(bearer(alice), "vision", "churn");

    tokens.delete("alice", alice.id());

    assertThatThrownBy(() -> gateway.check(bearer(alice), "vision", "churn"))
        .isInstanceOfSatisfying(
            CapstanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
  }

  @Test
  void removedMemberLosesAccessAtOnce() {
    gateway.check(bearer(alice), "vision", "churn");

    projects.removeMember("vision", "alice");

    assertThatThrownBy(() -> gateway.check(bearer(alice), "vision", "churn"))
        .isInstanceOfSatisfying(
            CapstanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
  }

  private static String bearer(TokenView token) {
    return "Bearer " + token.token();
  }
}
