package io.capstan.server.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.server.store.TestingDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The first start of an installation: the first admin's token, generated or given. */
class BootstrapTest {
  private static final String GIVEN = "cap_" + "k".repeat(43);

  @TempDir Path dataDir;

  private final TestingDatabase db = TestingDatabase.h2();
  private final UserStore users = new UserStore(db.jdbc(), Clock.systemUTC());
  private final TokenStore tokens = new TokenStore(db.jdbc(), Clock.systemUTC(), new Revocations());

  private Bootstrap bootstrap(String givenToken) {
    return new Bootstrap(
        users,
        new ProjectStore(db.jdbc(), db.transactions(), Clock.systemUTC(), new Revocations()),
        tokens,
        db.transactions(),
        dataDir,
        givenToken);
  }

  @Test
  void aGeneratedTokenIsWrittenForTheOwnerOnly() throws Exception {
    bootstrap("").run();

    Path file = dataDir.resolve(Bootstrap.TOKEN_FILE);
    assertThat(Files.getPosixFilePermissions(file))
        .extracting(Object::toString)
        .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
    assertThat(tokens.authenticate(Files.readString(file).strip())).contains(Bootstrap.ADMIN);
  }

  @Test
  void aGivenTokenIsTheAdminsAndNoFileIsWritten() {
    bootstrap(GIVEN + "\n").run();

    assertThat(tokens.authenticate(GIVEN)).contains(Bootstrap.ADMIN);
    assertThat(dataDir.resolve(Bootstrap.TOKEN_FILE)).doesNotExist();
    bootstrap("cap_another-one-that-is-long-enough-to-pass-000").run();
    assertThat(tokens.authenticate(GIVEN)).as("a second start changes nothing").isPresent();
  }

  @Test
  void aMalformedGivenTokenStopsTheStartAndStoresNothing() {
    assertThatThrownBy(() -> bootstrap("hunter2").run())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Expected CAPSTAN_ADMIN_TOKEN to be 'cap_'")
        .hasMessageNotContaining("hunter2");

    assertThat(users.isEmpty()).isTrue();
  }
}
