package io.capstan.server.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.identity.MemberView;
import io.capstan.api.identity.ProjectRole;
import io.capstan.api.identity.ProjectView;
import io.capstan.api.identity.TokenView;
import io.capstan.server.store.TestingDatabase;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Users, projects, memberships and tokens on embedded H2 and on a real PostgreSQL. */
class IdentityStoreTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);

  static Stream<TestingDatabase> databases() {
    return TestingDatabase.all();
  }

  private record Stores(UserStore users, ProjectStore projects, TokenStore tokens) {
    static Stores on(TestingDatabase db) {
      return new Stores(
          new UserStore(db.jdbc(), CLOCK),
          new ProjectStore(db.jdbc(), db.transactions(), CLOCK, new Revocations()),
          new TokenStore(db.jdbc(), CLOCK, new Revocations()));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void usersAreUniqueByName(TestingDatabase db) {
    Stores stores = Stores.on(db);
    stores.users().create("alice", false);

    assertThatThrownBy(() -> stores.users().create("alice", true))
        .isInstanceOfSatisfying(
            CapstanException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
              assertThat(e.field()).isEqualTo("name");
            });
    assertThat(stores.users().find("alice").orElseThrow().admin()).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aProjectStartsWithItsCreatorAsAdminAndListsOnlyForMembers(TestingDatabase db) {
    Stores stores = Stores.on(db);
    stores.users().create("alice", false);
    stores.users().create("bob", false);

    ProjectView vision = stores.projects().create("vision", "image models", "alice");
    stores.projects().create("nlp", null, "bob");
    stores.projects().putMember("vision", "bob", ProjectRole.VIEWER);

    assertThat(vision.members()).containsExactly(new MemberView("alice", ProjectRole.ADMIN));
    assertThat(stores.projects().listFor("alice"))
        .extracting(ProjectView::name)
        .containsExactly("vision");
    assertThat(stores.projects().listFor("bob"))
        .extracting(ProjectView::name)
        .containsExactlyInAnyOrder("vision", "nlp");
    assertThat(stores.projects().role("vision", "bob")).contains(ProjectRole.VIEWER);
    assertThat(stores.projects().role("nlp", "alice")).isEmpty();
    assertThatThrownBy(() -> stores.projects().create("vision", null, "bob"))
        .isInstanceOfSatisfying(
            CapstanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void theLastAdminCannotBeRemovedOrDemoted(TestingDatabase db) {
    Stores stores = Stores.on(db);
    stores.users().create("alice", false);
    stores.users().create("bob", false);
    stores.projects().create("vision", null, "alice");

    assertThatThrownBy(() -> stores.projects().removeMember("vision", "alice"))
        .isInstanceOfSatisfying(
            CapstanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_STATE));
    assertThatThrownBy(() -> stores.projects().putMember("vision", "alice", ProjectRole.EDITOR))
        .isInstanceOf(CapstanException.class);

    stores.projects().putMember("vision", "bob", ProjectRole.ADMIN);
    assertThat(stores.projects().removeMember("vision", "alice")).isTrue();
    assertThat(stores.projects().members("vision"))
        .containsExactly(new MemberView("bob", ProjectRole.ADMIN));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aUserChangeOverAStaleVersionIsRefusedAndOneOverTheFreshVersionWins(TestingDatabase db) {
    Stores stores = Stores.on(db);
    stores.users().create("alice", false);
    long read = stores.users().stored("alice").version();

    assertThat(stores.users().setAdmin("alice", true, read)).isTrue();
    assertThat(stores.users().setAdmin("alice", false, read))
        .as("a writer that read alice before she became admin")
        .isFalse();

    UserStore.StoredUser now = stores.users().stored("alice");
    assertThat(now.user().admin()).isTrue();
    assertThat(now.version()).isEqualTo(read + 1);
    assertThat(stores.users().setAdmin("alice", false, now.version())).isTrue();
    assertThat(stores.users().get("alice").admin()).isFalse();
    assertThat(stores.users().setAdmin("nobody", true, 0)).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aRoleChangeOverAStaleVersionIsRefusedAndOneOverTheFreshVersionWins(TestingDatabase db) {
    Stores stores = Stores.on(db);
    stores.users().create("alice", false);
    stores.users().create("bob", false);
    stores.projects().create("vision", null, "alice");
    stores.projects().putMember("vision", "bob", ProjectRole.VIEWER);
    long read = stores.projects().version("vision", "bob");

    stores.projects().putMember("vision", "bob", ProjectRole.EDITOR);
    assertThat(stores.projects().changeRole("vision", "bob", ProjectRole.ADMIN, null, read))
        .as("a writer that read bob as viewer")
        .isFalse();
    assertThat(stores.projects().role("vision", "bob")).contains(ProjectRole.EDITOR);

    long fresh = stores.projects().version("vision", "bob");
    assertThat(fresh).isEqualTo(read + 1);
    assertThat(stores.projects().changeRole("vision", "bob", ProjectRole.ADMIN, null, fresh))
        .isTrue();
    assertThat(stores.projects().role("vision", "bob")).contains(ProjectRole.ADMIN);
    assertThat(stores.projects().version("vision", "bob")).isEqualTo(fresh + 1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void tokensAuthenticateByTheirSecretWhichIsNeverStored(TestingDatabase db) {
    Stores stores = Stores.on(db);
    stores.users().create("alice", false);

    TokenView token = stores.tokens().create("alice", "laptop");

    assertThat(stores.tokens().authenticate(token.token())).contains("alice");
    assertThat(stores.tokens().authenticate(token.token() + "x")).isEmpty();
    assertThat(stores.tokens().list("alice"))
        .singleElement()
        .satisfies(t -> assertThat(t.token()).isNull());
    long plain =
        db.jdbc()
            .sql("select count(*) from tokens where token_hash = ? or id = ?")
            .params(token.token(), token.token())
            .query(Long.class)
            .single();
    assertThat(plain).isZero();

    stores.tokens().delete("alice", token.id());
    assertThat(stores.tokens().authenticate(token.token())).isEmpty();
  }
}
