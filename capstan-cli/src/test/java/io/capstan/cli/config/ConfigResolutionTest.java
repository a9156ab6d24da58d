package io.capstan.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.cli.CliException;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.client.Connection;
import io.capstan.cli.client.WireCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigResolutionTest {
  @TempDir Path temp;

  private final Map<String, String> env = new HashMap<>();

  private ConfigFile configFile() {
    return new ConfigFile(temp.resolve("cfg").resolve("config.json"), new WireCodec());
  }

  private Connection resolve(ConnectionOptions flags) {
    return new ConnectionResolver(env, configFile(), temp.resolve("home")).resolve(flags);
  }

  private static ConnectionOptions flags(String url, String token, String project) {
    ConnectionOptions flags = new ConnectionOptions();
    flags.url = url;
    flags.token = token;
    flags.project = project;
    return flags;
  }

  @Test
  void defaultsWithoutFlagsEnvironmentOrConfig() {
    Connection connection = resolve(flags(null, null, null));

    assertThat(connection.url()).isEqualTo("http://localhost:7070");
    assertThat(connection.project()).isEqualTo("default");
    assertThat(connection.token()).isNull();
  }

  @Test
  void configFileBeatsDefaults() {
    configFile().save(new SavedConfig("http://cfg:1", "cfg-token", "cfg-project"));

    assertThat(resolve(flags(null, null, null)))
        .isEqualTo(new Connection("http://cfg:1", "cfg-token", "cfg-project"));
  }

  @Test
  void environmentBeatsConfigFile() {
    configFile().save(new SavedConfig("http://cfg:1", "cfg-token", "cfg-project"));
    env.put("CAPSTAN_URL", "http://env:2");
    env.put("CAPSTAN_TOKEN", "env-token");
    env.put("CAPSTAN_PROJECT", "env-project");

    assertThat(resolve(flags(null, null, null)))
        .isEqualTo(new Connection("http://env:2", "env-token", "env-project"));
  }

  @Test
  void flagsBeatEnvironmentFieldByField() {
    configFile().save(new SavedConfig("http://cfg:1", "cfg-token", "cfg-project"));
    env.put("CAPSTAN_URL", "http://env:2");
    env.put("CAPSTAN_TOKEN", "env-token");

    assertThat(resolve(flags("http://flag:3/", null, "flag-project")))
        .isEqualTo(new Connection("http://flag:3", "env-token", "flag-project"));
  }

  @Test
  void localAdminTokenIsTheLastFallbackForALocalServer() throws Exception {
    Path dataDir = Files.createDirectories(temp.resolve("data"));
    Files.writeString(dataDir.resolve("admin.token"), "admin-secret\n");
    env.put("CAPSTAN_DATA_DIR", dataDir.toString());

    assertThat(resolve(flags(null, null, null)).token()).isEqualTo("admin-secret");
    assertThat(resolve(flags("http://127.0.0.1:9000", null, null)).token())
        .isEqualTo("admin-secret");
    assertThat(resolve(flags(null, "given", null)).token()).isEqualTo("given");
  }

  @Test
  void localAdminTokenDefaultsToTheHomeDirectory() throws Exception {
    Path dir = Files.createDirectories(temp.resolve("home").resolve(".capstan"));
    Files.writeString(dir.resolve("admin.token"), "home-admin");

    assertThat(resolve(flags(null, null, null)).token()).isEqualTo("home-admin");
  }

  @Test
  void localAdminTokenIsNeverSentToAnotherMachine() throws Exception {
    Path dataDir = Files.createDirectories(temp.resolve("data"));
    Files.writeString(dataDir.resolve("admin.token"), "admin-secret");
    env.put("CAPSTAN_DATA_DIR", dataDir.toString());

    assertThat(resolve(flags("https://capstan.example.com", null, null)).token()).isNull();
  }

  @Test
  void configFileIsWrittenWithModeOwnerReadWriteOnly() throws Exception {
    ConfigFile file = configFile();
    file.save(new SavedConfig("http://a:1", "secret", null));
    file.save(new SavedConfig("http://a:1", "secret2", "p"));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path())))
        .isEqualTo("rw-------");
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path().getParent())))
        .isEqualTo("rwx------");
    assertThat(file.load()).contains(new SavedConfig("http://a:1", "secret2", "p"));
    try (var siblings = Files.list(file.path().getParent())) {
      assertThat(siblings).containsExactly(file.path());
    }
  }

  @Test
  void configPathComesFromTheEnvironmentOrTheHomeDirectory() {
    Path home = Path.of("/home/alice");

    assertThat(ConfigFile.defaultPath(Map.of(), home))
        .isEqualTo(Path.of("/home/alice/.config/capstan/config.json"));
    assertThat(ConfigFile.defaultPath(Map.of("CAPSTAN_CONFIG", "/etc/capstan.json"), home))
        .isEqualTo(Path.of("/etc/capstan.json"));
  }

  @Test
  void malformedConfigFileSaysWhichFileAndWhatToDo() throws Exception {
    ConfigFile file = configFile();
    Files.createDirectories(file.path().getParent());
    Files.writeString(file.path(), "url = http://x");

    Assertions.assertThatThrownBy(file::load)
        .isInstanceOfSatisfying(
            CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.ERROR))
        .hasMessageStartingWith("Expected the config file " + file.path() + " to be JSON")
        .hasMessageEndingWith("(fix it, or delete it and run 'capstan login')");
  }

  @Test
  void tokenNeverAppearsInToString() {
    assertThat(new Connection("http://a:1", "secret", "p").toString()).doesNotContain("secret");
    assertThat(new SavedConfig("http://a:1", "secret", "p").toString()).doesNotContain("secret");
  }
}
