package io.capstan.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The server's own settings: defaults, overrides, and each refused value's message. */
class ServerConfigTest {
  private static ServerConfig bind(Map<String, String> properties) {
    return new Binder(new MapConfigurationPropertySource(properties))
        .bindOrCreate("capstan", ServerConfig.class);
  }

  @Test
  void withoutSettingsTheServerTakesItsDefaults() {
    ServerConfig config = bind(Map.of());

    assertThat(config.dataDir()).isEqualTo(Path.of(System.getProperty("user.home"), ".capstan"));
    assertThat(config.home()).isEqualTo(Path.of("").toAbsolutePath());
    assertThat(config.maxSpecBytes()).isEqualTo(1024 * 1024);
    assertThat(config.reconcileInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.stopGracePeriod()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.trustAllJobs()).isFalse();
  }

  @Test
  void everySettingIsRead() {
    ServerConfig config =
        bind(
            Map.of(
                "capstan.data-dir", "/srv/capstan",
                "capstan.home", "/opt/capstan",
                "capstan.max-spec-bytes", "4096",
                "capstan.reconcile-interval", "2s",
                "capstan.stop-grace-period", "0s",
                "capstan.trust-all-jobs", "true"));

    assertThat(config)
        .isEqualTo(
            new ServerConfig(
                Path.of("/srv/capstan"),
                Path.of("/opt/capstan"),
                4096L,
                Duration.ofSeconds(2),
                Duration.ZERO,
                true));
  }

  @Test
  void environmentVariablesKeepTheNamesTheyHadWithValueAnnotations() {
    ServerConfig config =
        new Binder(
                ConfigurationPropertySources.from(
                    new SystemEnvironmentPropertySource(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.of("CAPSTAN_TRUST_ALL_JOBS", "true", "CAPSTAN_HOME", "/opt/capstan"))))
            .bindOrCreate("capstan", ServerConfig.class);

    assertThat(config.trustAllJobs()).isTrue();
    assertThat(config.home()).isEqualTo(Path.of("/opt/capstan"));
  }

  @Test
  void eachBadValueNamesItsProperty() {
    assertRefused(
        "max-spec-bytes", "0", "Expected capstan.max-spec-bytes to be positive, but was 0");
    assertRefused(
        "reconcile-interval",
        "0s",
        "Expected capstan.reconcile-interval to be a positive duration, but was PT0S");
    assertRefused(
        "stop-grace-period",
        "-1s",
        "Expected capstan.stop-grace-period to be a duration of at least 0, but was PT-1S");
  }

  private static void assertRefused(String property, String value, String message) {
    assertThatThrownBy(() -> bind(Map.of("capstan." + property, value)))
        .isInstanceOf(BindException.class)
        .rootCause()
        .hasMessage(message);
  }
}
