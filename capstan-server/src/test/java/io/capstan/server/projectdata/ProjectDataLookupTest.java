package io.capstan.server.projectdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.projectdata.ConfigMapRequest;
import io.capstan.api.projectdata.SecretRequest;
import io.capstan.api.projectdata.SecretView;
import io.capstan.server.store.TestingDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the job launcher reads of a project's secrets and config maps, written through the service
 * as the API writes them, on embedded H2 and on a real PostgreSQL (migration V13).
 */
class ProjectDataLookupTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String PASSWORD = "hunter2-not-in-the-database";

  @TempDir Path dataDir;

  static Stream<TestingDatabase> databases() {
    return TestingDatabase.all();
  }

  private record Fixture(ProjectDataService service, ProjectDataLookup lookup, DataStore store) {}

  private Fixture fixture(TestingDatabase db, SecretCipher cipher) {
    db.jdbc()
        .sql("insert into projects (name, created_at) values ('vision', 0), ('nlp', 0)")
        .update();
    DataStore store = new DataStore(db.jdbc(), JSON);
    DataCodec codec = new DataCodec(cipher, JSON);
    return new Fixture(
        new ProjectDataService(store, codec, JSON, Clock.systemUTC()),
        new ProjectDataLookup(store, codec),
        store);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aSecretsValuesComeBackDecryptedAndAreNotInTheDatabaseInClear(TestingDatabase db) {
    Fixture f = fixture(db, SecretCipher.inDataDir(dataDir));
    byte[] binary = {0, (byte) 0xff, 7};
    SecretView view =
        f.service()
            .createSecret(
                "vision",
                new SecretRequest(
                    "db",
                    Map.of("blob", Base64.getEncoder().encodeToString(binary)),
                    Map.of("password", PASSWORD)),
                "alice");

    assertThat(view.keys()).containsExactly(Map.entry("blob", 3), Map.entry("password", 27));
    Map<String, byte[]> values = f.lookup().secret("vision", "db").orElseThrow();
    assertThat(values.keySet()).containsExactly("blob", "password");
    assertThat(values.get("blob")).isEqualTo(binary);
    assertThat(new String(values.get("password"), StandardCharsets.UTF_8)).isEqualTo(PASSWORD);
    String stored =
        db.jdbc().sql("select values_text from project_data").query(String.class).single();
    assertThat(stored).startsWith("v1:").doesNotContain(PASSWORD);
    assertThat(new String(Base64.getDecoder().decode(stored.substring(3)), StandardCharsets.UTF_8))
        .doesNotContain(PASSWORD);

    assertThat(f.lookup().secret("nlp", "db")).as("another project's").isEmpty();
    assertThat(f.lookup().secret("vision", "other")).isEmpty();
    assertThat(f.lookup().configMap("vision", "db")).as("a secret is not a config map").isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aConfigMapsValuesComeBackAsTextAndAReplaceIsSeenAtTheNextLookup(TestingDatabase db) {
    Fixture f = fixture(db, SecretCipher.inDataDir(dataDir));
    f.service()
        .createConfigMap(
            "vision",
            new ConfigMapRequest("settings", Map.of("mode", "fast", "conf.txt", "ü")),
            "a");
    assertThat(f.lookup().configMap("vision", "settings"))
        .contains(Map.of("mode", "fast", "conf.txt", "ü"));

    var replaced =
        f.service()
            .replaceConfigMap(
                "vision",
                "settings",
                new ConfigMapRequest(null, Map.of("mode", "slow")),
                OptionalLong.of(1),
                "bob");

    assertThat(replaced.resourceVersion()).isEqualTo(2);
    assertThat(replaced.updatedBy()).isEqualTo("bob");
    assertThat(f.lookup().configMap("vision", "settings")).contains(Map.of("mode", "slow"));
    assertThatThrownBy(
            () ->
                f.service()
                    .replaceConfigMap(
                        "vision",
                        "settings",
                        new ConfigMapRequest(null, Map.of("mode", "lost")),
                        OptionalLong.of(1),
                        "carol"))
        .isInstanceOfSatisfying(
            CapstanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
    assertThat(f.lookup().configMap("vision", "settings")).contains(Map.of("mode", "slow"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void valuesWrittenUnderAnotherKeyOrMovedToAnotherNameDoNotDecrypt(TestingDatabase db) {
    Fixture f = fixture(db, SecretCipher.inDataDir(dataDir));
    f.service()
        .createSecret("vision", new SecretRequest("db", null, Map.of("p", PASSWORD)), "alice");
    f.service().createSecret("vision", new SecretRequest("other", null, Map.of("p", "x")), "alice");
    db.jdbc()
        .sql(
            "update project_data set values_text = (select values_text from project_data where"
                + " name = 'db') where name = 'other'")
        .update();

    assertThatThrownBy(() -> f.lookup().secret("vision", "other"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("vision/secret/other")
        .hasMessageNotContaining(PASSWORD);

    DataStore store = f.store();
    ProjectDataLookup otherKey =
        new ProjectDataLookup(
            store, new DataCodec(SecretCipher.inDataDir(dataDir.resolve("elsewhere")), JSON));
    assertThatThrownBy(() -> otherKey.secret("vision", "db"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("another key than secrets.key")
        .hasMessageNotContaining(PASSWORD);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void objectsGoWithTheirProject(TestingDatabase db) {
    Fixture f = fixture(db, SecretCipher.inDataDir(dataDir));
    f.service().createConfigMap("nlp", new ConfigMapRequest("c", Map.of("k", "v")), "a");
    db.jdbc().sql("delete from projects where name = 'nlp'").update();
    assertThat(f.lookup().configMap("nlp", "c")).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void theKeyFileIsCreatedForItsOwnerOnlyKeptAcrossStartsAndRefusedWhenOthersMayReadIt()
      throws Exception {
    SecretCipher first = SecretCipher.inDataDir(dataDir);
    Path file = dataDir.resolve(SecretCipher.KEY_FILE);
    assertThat(Files.getPosixFilePermissions(file))
        .containsExactlyInAnyOrderElementsOf(
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    String sealed = first.encrypt("v".getBytes(StandardCharsets.UTF_8), "a");
    assertThat(SecretCipher.inDataDir(dataDir).decrypt(sealed, "a"))
        .isEqualTo("v".getBytes(StandardCharsets.UTF_8));
    try (Stream<Path> files = Files.list(dataDir)) {
      assertThat(files).as("no temporary key left behind").containsExactly(file);
    }

    Files.setPosixFilePermissions(
        file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> SecretCipher.inDataDir(dataDir))
        .hasMessageContaining("mode 0600")
        .hasMessageContaining("chmod 600 " + file);
  }
}
